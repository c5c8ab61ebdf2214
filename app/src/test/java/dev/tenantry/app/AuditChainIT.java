package dev.tenantry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantry.api.Json;
import dev.tenantry.cli.AuditCommand;
import dev.tenantry.server.TenantryServer;
import dev.tenantry.server.domain.ApiLimits;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The audit trail as a hash chain with signed checkpoints, attacked the way someone with write access to PostgreSQL
 * would: records changed, deleted, inserted, replaced, the chain recomputed, its tail cut, a checkpoint forged. Each
 * test starts from the records so far chained anew, as on the first start after the upgrade that made the trail a
 * chain. The checkpoint timer is set to an hour so that only the test signs.
 */
class AuditChainIT {
    static TestPlane plane;

    @BeforeAll
    static void startPlane() throws Exception {
        plane = TestPlane.start(null, ApiLimits.UNLIMITED, Duration.ofHours(1));
        plane.createTenant("acme");
    }

    @AfterAll
    static void stopPlane() throws Exception {
        plane.close();
    }

    @BeforeEach
    void chainTheRecordsSoFarAnew() throws Exception {
        try (Connection c = db(); Statement s = c.createStatement()) {
            s.executeUpdate("update audit set seq = null, prev_hash = null, hash = null");
            s.executeUpdate("delete from audit_checkpoints");
        }
        plane.dev.server().services().audit().chainRecordsFromBefore();
        writeRecords(12);
    }

    @Test
    void concurrentWritesMakeOneChainThatAVerifierOutsideTenantryAccepts() throws Exception {
        writeRecords(40);
        TestPlane.Reply checkpoint = plane.post("/v1/audit/checkpoints", null);
        assertThat(checkpoint.status()).as(checkpoint.body()).isEqualTo(201);
        TestPlane.Reply next = plane.post("/v1/audit/checkpoints", null);
        assertThat(next.status()).as("the first checkpoint request's own audit record is new").isEqualTo(201);
        assertThat(next.json().path("previousSeq").asLong()).isEqualTo(checkpoint.json().path("seq").asLong());
        assertThat(next.json().path("seq").asLong()).isEqualTo(checkpoint.json().path("seq").asLong() + 1);

        JsonNode verification = plane.get("/v1/audit/verify").json();
        assertThat(verification.path("ok").asBoolean()).as(verification.toString()).isTrue();
        assertThat(verification.path("records").asLong()).isGreaterThanOrEqualTo(52);
        assertThat(verification.path("checkpoints").asLong()).isEqualTo(2);
        assertThat(verification.path("unanchored").asLong()).as("the second checkpoint request's own record").isOne();

        List<JsonNode> exported = export(0).subList(0, (int) checkpoint.json().path("seq").asLong());
        byte[] previous = new byte[32];
        for (int i = 0; i < exported.size(); i++) {
            JsonNode r = exported.get(i);
            assertThat(r.path("seq").asLong()).as("seqs without gaps").isEqualTo(i + 1);
            assertThat(r.path("previousHash").asText()).isEqualTo(HexFormat.of().formatHex(previous));
            byte[] hash = chainHash(previous, r);
            assertThat(r.path("hash").asText()).as("record " + (i + 1) + " hashed as docs/security.md describes").isEqualTo(HexFormat.of().formatHex(hash));
            previous = hash;
        }
        JsonNode signed = checkpoint.json();
        assertThat(signed.path("seq").asLong()).isEqualTo(exported.getLast().path("seq").asLong());
        assertThat(signed.path("hash").asText()).isEqualTo(HexFormat.of().formatHex(previous));
        assertThat(verifiesWithThePublishedKey(signed)).as("the JDK's Ed25519 verifies the checkpoint with the published key").isTrue();

        assertThat(cli("verify")).startsWith("ok: ").contains(" signed checkpoints");
        assertThat(plane.get("/v1/audit/export?after=" + (export(0).size() - 2)).body().lines().count()).as("export resumes after a seq").isEqualTo(2);
        assertThat(plane.get("/v1/audit/export?limit=0").status()).isEqualTo(400);
        assertThat(plane.get("/v1/audit/export?after=-1").status()).isEqualTo(400);
    }

    @Test
    void aChangedADeletedAndAnInsertedRecordAreEachNamed() throws Exception {
        long forgedId;
        try (Connection c = db(); Statement s = c.createStatement()) {
            assertThat(s.executeUpdate("update audit set detail = 'nothing to see' where seq = 3")).isOne();
            assertThat(s.executeUpdate("delete from audit where seq = 7")).isOne();
            ResultSet forged = s.executeQuery("insert into audit (actor, action, target, result) values ('admin', 'POST /v1/tokens',"
                    + " '/v1/tokens', 'success') returning id");
            forged.next();
            forgedId = forged.getLong(1);
        }
        JsonNode verification = plane.get("/v1/audit/verify").json();
        assertThat(verification.path("ok").asBoolean()).isFalse();
        List<String> problems = problems(verification);
        assertThat(problems).as(verification.toString()).containsExactly("changed@3", "deleted@7", "inserted#" + forgedId);
        assertThat(verification.path("problems").get(0).path("message").asText()).contains("record 3");
        assertThat(cli("verify")).startsWith("TAMPERED: 3 problem(s)");

        TestPlane.Reply refused = plane.post("/v1/audit/checkpoints", null);
        assertThat(refused.status()).as("a broken chain is not signed").isEqualTo(409);
        assertThat(refused.body()).contains("record 3");
        assertThat(brokenChainEvents()).as("the refusal is an event").containsExactly("3");
        assertThat(plane.dev.server().services().audit().verifyAndReport().ok()).as("the periodic verification").isFalse();
        assertThat(brokenChainEvents()).as("and so is the periodic verification's finding").containsExactly("3", "3");
    }

    private static List<String> brokenChainEvents() throws SQLException {
        List<String> seqs = new ArrayList<>();
        try (Connection c = db(); Statement s = c.createStatement();
             ResultSet events = s.executeQuery("select data->'problem'->>'seq' from events where type = 'audit.chain.broken' order by id")) {
            while (events.next()) seqs.add(events.getString(1));
        }
        return seqs;
    }

    @Test
    void aReplacedRecordARecomputedChainACutTailAndAForgedCheckpointAreNamed() throws Exception {
        assertThat(plane.post("/v1/audit/checkpoints", null).status()).isEqualTo(201);
        writeRecords(6);
        assertThat(plane.post("/v1/audit/checkpoints", null).status()).isEqualTo(201);
        long head = plane.get("/v1/audit/verify").json().path("head").path("seq").asLong();

        // record 4 replaced by one that links to record 3 and hashes right: record 5 is not chained to it
        List<JsonNode> records = export(0);
        rewrite(records.get(3), "replaced", records.get(2).path("hash").asText(), false);
        assertThat(problems(plane.get("/v1/audit/verify").json())).containsExactly("inserted@4");

        // the same and every record after it recomputed: only the checkpoint that signed them shows it
        chainTheRecordsSoFarAnew();
        TestPlane.Reply signed = plane.post("/v1/audit/checkpoints", null);
        assertThat(signed.status()).isEqualTo(201);
        records = export(0);
        rewrite(records.get(3), "recomputed", records.get(2).path("hash").asText(), true);
        JsonNode rewritten = plane.get("/v1/audit/verify").json();
        assertThat(problems(rewritten)).as(rewritten.toString()).containsExactly("rewritten@" + signed.json().path("seq").asLong());

        // the tail after a checkpoint cut off
        chainTheRecordsSoFarAnew();
        assertThat(plane.post("/v1/audit/checkpoints", null).status()).isEqualTo(201);
        long last = plane.get("/v1/audit/verify").json().path("head").path("seq").asLong();
        try (Connection c = db(); Statement s = c.createStatement()) {
            assertThat(s.executeUpdate("delete from audit where seq > " + (last - 3))).isEqualTo(3);
        }
        assertThat(problems(plane.get("/v1/audit/verify").json())).containsExactly("truncated@" + (last - 2));

        // a checkpoint's signature forged, another deleted
        chainTheRecordsSoFarAnew();
        for (int i = 0; i < 3; i++) {
            writeRecords(1);
            assertThat(plane.post("/v1/audit/checkpoints", null).status()).isEqualTo(201);
        }
        List<JsonNode> checkpoints = new ArrayList<>();
        plane.get("/v1/audit/checkpoints").json().path("items").forEach(checkpoints::add);
        assertThat(checkpoints).hasSize(3);
        try (Connection c = db(); Statement s = c.createStatement()) {
            s.executeUpdate("update audit_checkpoints set signature = decode('" + "00".repeat(64) + "', 'hex') where seq = "
                    + checkpoints.get(2).path("seq").asLong());
            s.executeUpdate("delete from audit_checkpoints where seq = " + checkpoints.get(0).path("seq").asLong());
        }
        assertThat(problems(plane.get("/v1/audit/verify").json())).containsExactly(
                "checkpoint-deleted@" + checkpoints.get(0).path("seq").asLong(), "checkpoint-forged@" + checkpoints.get(2).path("seq").asLong());
        assertThat(head).isPositive();
    }

    @Test
    void aServerWithAnotherKeyEncryptionKeyDoesNotStartOnThisDatabase() throws Exception {
        var db = plane.dev.database();
        var otherKey = SecurityOptions.settings(plane.home.resolve("another.key"), null);
        assertThatThrownBy(() -> TenantryServer.start(new TenantryServer.Config(db.url(), db.user(), db.password(), "127.0.0.1", 0, 1, null,
                null, otherKey)).close())
                .hasMessageContaining("cannot be decrypted with the key file " + plane.home.resolve("another.key"))
                .hasMessageContaining("not the key-encryption key this database was set up with");
    }

    /** Mutating API calls, each audited, from concurrent clients. */
    private static void writeRecords(int count) throws Exception {
        List<Future<TestPlane.Reply>> calls = new ArrayList<>();
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < count; i++) {
                calls.add(clients.submit(() -> plane.post("/v1/tokens", Map.of("name", "audited", "role", "viewer"))));
            }
        }
        for (Future<TestPlane.Reply> call : calls) assertThat(call.get().status()).isEqualTo(201);
    }

    private static List<JsonNode> export(long after) throws Exception {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : plane.get("/v1/audit/export?after=" + after + "&limit=10000").body().split("\n")) {
            if (!line.isBlank()) lines.add(Json.MAPPER.readTree(line));
        }
        return lines;
    }

    /** Overwrites an exported record's detail and rehashes it onto {@code previousHash}; with {@code following}, every record after it too. */
    private static void rewrite(JsonNode record, String detail, String previousHash, boolean following) throws Exception {
        List<JsonNode> chain = following ? export(record.path("seq").asLong() - 1) : List.of(record);
        byte[] previous = HexFormat.of().parseHex(previousHash);
        try (Connection c = db(); PreparedStatement update = c.prepareStatement("update audit set detail = ?, prev_hash = ?, hash = ? where seq = ?")) {
            for (int i = 0; i < chain.size(); i++) {
                var r = (com.fasterxml.jackson.databind.node.ObjectNode) chain.get(i).deepCopy();
                if (i == 0) r.put("detail", detail);
                byte[] hash = chainHash(previous, r);
                update.setString(1, r.hasNonNull("detail") ? r.path("detail").asText() : null);
                update.setBytes(2, previous);
                update.setBytes(3, hash);
                update.setLong(4, r.path("seq").asLong());
                assertThat(update.executeUpdate()).isOne();
                previous = hash;
            }
        }
    }

    /** The chain's hash, implemented here from the format docs/security.md gives, not with Tenantry's code. */
    private static byte[] chainHash(byte[] previous, JsonNode r) throws Exception {
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        sha256.update(previous);
        for (String field : new String[] {"seq", "time", "actor", "action", "target", "tenant", "result", "detail"}) {
            JsonNode value = r.path(field);
            if (!r.hasNonNull(field)) {
                sha256.update(ByteBuffer.allocate(4).putInt(-1).array());
            } else {
                byte[] bytes = value.asText().getBytes(StandardCharsets.UTF_8);
                sha256.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
                sha256.update(bytes);
            }
        }
        return sha256.digest();
    }

    private static boolean verifiesWithThePublishedKey(JsonNode checkpoint) throws Exception {
        String pem = plane.get("/v1/audit/checkpoint-key").body();
        byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
        PublicKey key = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
        Signature ed25519 = Signature.getInstance("Ed25519");
        ed25519.initVerify(key);
        ed25519.update(String.join("\n", "tenantry-audit-checkpoint-v1", checkpoint.path("seq").asText(), checkpoint.path("hash").asText(),
                checkpoint.path("time").asText(), checkpoint.path("previousSeq").asText()).getBytes(StandardCharsets.UTF_8));
        return ed25519.verify(Base64.getDecoder().decode(checkpoint.path("signature").asText()));
    }

    /** Each problem as kind@seq, or kind#id for a record outside the chain. */
    private static List<String> problems(JsonNode verification) {
        List<String> found = new ArrayList<>();
        verification.path("problems").forEach(p -> found.add(p.path("kind").asText()
                + (p.hasNonNull("seq") ? "@" + p.path("seq").asLong() : "#" + p.path("id").asLong())));
        return found;
    }

    private static String cli(String... args) {
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            List<String> all = new ArrayList<>(List.of(args));
            all.addAll(List.of("--api-url", plane.api, "--token", plane.admin));
            new CommandLine(new AuditCommand()).execute(all.toArray(String[]::new));
        } finally {
            System.setOut(original);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static Connection db() throws SQLException {
        var db = plane.dev.database();
        return DriverManager.getConnection(db.url(), db.user(), db.password());
    }
}
