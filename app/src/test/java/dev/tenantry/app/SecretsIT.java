package dev.tenantry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantry.api.Json;
import dev.tenantry.examples.hello.HelloBlueprint;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Secrets set by the vendor for a service and for a tenant, given to a real workload as an environment variable and
 * as a file only its user can read, rotated under load without a failed request, and found nowhere else: not in a
 * dump of the control plane's database, not in the agent's work directory, not in a log line, event or audit record.
 */
class SecretsIT {
    private static final String SERVICE = "vault";
    static TestPlane plane;
    static final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    /** Every value set in this test: none may turn up where it must not. */
    static final List<String> values = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        logs.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
        plane = TestPlane.start();
        plane.createTenant("acme");
        plane.createTenant("globex");
        plane.createService(SERVICE, blueprint());
    }

    @AfterAll
    static void stop() throws Exception {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
        plane.close();
    }

    @Test
    void secretsReachTheWorkloadRotateWithoutAFailedRequestAndLeakNowhere() throws Exception {
        // an instance that needs secrets nobody set is refused, and nothing is created
        TestPlane.Reply refused = plane.createInstance("acme", "web", SERVICE, "basic");
        assertThat(refused.status()).as(refused.body()).isEqualTo(409);
        assertThat(refused.json().path("errors").get(0).path("field").asText()).isEqualTo("secrets.apiKey");
        assertThat(plane.get("/v1/tenants/acme/instances/web").status()).isEqualTo(404);

        // bad values: too long, empty, a bad name, an unknown service; malformed JSON is not quoted back
        String tooLong = "x".repeat(32_769);
        TestPlane.Reply longOne = plane.call("PUT", "/v1/services/vault/secrets/apiKey", Map.of("value", tooLong), plane.admin);
        assertThat(longOne.status()).isEqualTo(400);
        assertThat(longOne.json().path("errors").get(0).path("field").asText()).isEqualTo("value");
        assertThat(plane.call("PUT", "/v1/services/vault/secrets/apiKey", Map.of("value", ""), plane.admin).status()).isEqualTo(400);
        assertThat(plane.call("PUT", "/v1/services/vault/secrets/9bad", Map.of("value", "v"), plane.admin).status()).isEqualTo(400);
        assertThat(plane.call("PUT", "/v1/services/nosuch/secrets/apiKey", Map.of("value", "v"), plane.admin).status()).isEqualTo(404);
        String quoted = "hunter2-" + UUID.randomUUID();
        values.add(quoted);
        TestPlane.Reply malformed = plane.send("PUT", "/v1/services/vault/secrets/apiKey", "{\"value\": " + quoted + "}", "application/json", plane.admin);
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.body()).doesNotContain(quoted);
        assertThat(plane.get("/v1/services/vault/secrets/apiKey").status()).as("nothing stored").isEqualTo(404);

        // the vendor sets them for the service; the API shows versions, never values
        String serviceKey = set("/v1/services/vault/secrets/apiKey", "svc-key-");
        String greeting = set("/v1/services/vault/secrets/greeting", "Hi from a file ");
        JsonNode info = plane.get("/v1/services/vault/secrets/apiKey").json();
        assertThat(info.path("version").asInt()).isEqualTo(1);
        assertThat(info.toString()).doesNotContain(serviceKey);
        assertThat(plane.get("/v1/services/vault/secrets").body()).doesNotContain(serviceKey).doesNotContain(greeting).contains("apiKey");

        assertThat(plane.createInstance("acme", "web", SERVICE, "basic").status()).isEqualTo(202);
        plane.awaitPhase("acme", "web", "RUNNING");
        assertThat(plane.viaGateway("web.acme.localhost", "/").body()).as("the greeting read from the secret file").contains(greeting + ", acme!");
        long pid = pid("acme", "web");
        assertThat(environment(pid)).as("the secret in the replica's environment").contains("API_KEY=" + serviceKey);
        Path file = secretFile(plane.instance("acme", "web").path("uid").asText(), "greeting");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent()))).isEqualTo("rwx------");
        assertThat(Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS)).as("owned by the process's user")
                .isEqualTo(ProcessHandle.of(pid).flatMap(p -> uidOf(pid)).orElseThrow());

        // a tenant's own value wins; it and a new version of the service's arrive under load without a failed request
        String acmeKey;
        String greeting2;
        try (GatewayLoad load = new GatewayLoad(plane.dev.gateway().port(), "web.acme.localhost")) {
            await().atMost(Duration.ofSeconds(10)).until(() -> load.ok() > 3);
            acmeKey = set("/v1/tenants/acme/secrets/apiKey", "acme-key-");
            awaitRotated("acme", "web", 2);
            greeting2 = set("/v1/services/vault/secrets/greeting", "Hello again from a file ");
            awaitRotated("acme", "web", 3);
            int before = load.ok();
            await().atMost(Duration.ofSeconds(10)).until(() -> load.ok() > before + 3);
            assertThat(load.failures()).as("requests during two rotations").isEmpty();
        }
        assertThat(environment(pid("acme", "web"))).contains("API_KEY=" + acmeKey).doesNotContain(serviceKey);
        assertThat(plane.viaGateway("web.acme.localhost", "/").body()).contains(greeting2 + ", acme!");
        await().atMost(Duration.ofSeconds(15)).until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
        JsonNode history = plane.get("/v1/services/vault/secrets/greeting").json();
        assertThat(history.path("version").asInt()).isEqualTo(2);
        assertThat(history.path("history").get(1).path("retired").isTextual()).as("version 1 retired").isTrue();
        try (Connection c = db(); Statement s = c.createStatement();
             ResultSet old = s.executeQuery("select value is null from secrets where scope = 'service:vault' and name = 'greeting' and version = 1")) {
            assertThat(old.next() && old.getBoolean(1)).as("the retired version's value is erased").isTrue();
        }

        // a tenant token sees its tenant's secrets (names, versions), not another's, and sets none
        String acmeViewer = plane.post("/v1/tokens", Map.of("name", "acme-viewer", "role", "admin", "tenant", "acme")).json().path("secret").asText();
        assertThat(plane.call("GET", "/v1/tenants/acme/secrets", null, acmeViewer).body()).contains("apiKey").doesNotContain(acmeKey);
        assertThat(plane.call("GET", "/v1/tenants/globex/secrets", null, acmeViewer).status()).isEqualTo(403);
        assertThat(plane.call("PUT", "/v1/tenants/acme/secrets/apiKey", Map.of("value", "mine"), acmeViewer).status()).isEqualTo(403);

        // deleting: the service's key may go (acme has its own); then acme's may not (web would have none)
        assertThat(plane.delete("/v1/services/vault/secrets/apiKey").status()).isEqualTo(204);
        TestPlane.Reply stranded = plane.delete("/v1/tenants/acme/secrets/apiKey");
        assertThat(stranded.status()).as(stranded.body()).isEqualTo(409);
        assertThat(stranded.body()).contains("acme/web");

        assertNoValueLeaked();
    }

    @Test
    void anInstancesSecretParameterIsShownAsAVersionAndAnUpdateRotatesOrKeepsIt() throws Exception {
        plane.createService("keyed", blueprintWithSecretParameter());
        String path = "/v1/tenants/globex/instances";
        for (Object bad : List.of(42, Map.of("secret", true, "version", 1), "p".repeat(32_769))) {
            TestPlane.Reply r = plane.post(path, Map.of("name", "db", "service", "keyed", "plan", "basic", "parameters", Map.of("dbPassword", bad)));
            assertThat(r.status()).as(r.body()).isEqualTo(400);
            assertThat(r.json().path("errors").get(0).path("field").asText()).isEqualTo("parameters.dbPassword");
        }
        TestPlane.Reply missing = plane.post(path, Map.of("name", "db", "service", "keyed", "plan", "basic"));
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.body()).contains("parameters.dbPassword").contains("is required");

        String password = "pw-" + UUID.randomUUID();
        values.add(password);
        TestPlane.Reply created = plane.post(path, Map.of("name", "db", "service", "keyed", "plan", "basic", "parameters", Map.of("dbPassword", password)));
        assertThat(created.status()).as(created.body()).isEqualTo(202);
        assertThat(created.body()).doesNotContain(password);
        plane.awaitPhase("globex", "db", "RUNNING");
        JsonNode instance = plane.instance("globex", "db");
        assertThat(instance.path("spec").path("parameters").path("dbPassword")).isEqualTo(Json.MAPPER.valueToTree(Map.of("secret", true, "version", 1)));
        assertThat(instance.toString()).doesNotContain(password);
        assertThat(environment(pid("globex", "db"))).contains("DB_PASSWORD=" + password).contains("GREETING=Hello");

        // new parameters without the secret keep its version; with it, the next version replaces the replica
        awaitUpdated("globex", "db", Map.of("greeting", "Hi"));
        assertThat(plane.instance("globex", "db").path("spec").path("parameters").path("dbPassword").path("version").asInt()).isEqualTo(1);
        assertThat(environment(pid("globex", "db"))).contains("DB_PASSWORD=" + password).contains("GREETING=Hi");
        String rotated = "pw2-" + UUID.randomUUID();
        values.add(rotated);
        awaitUpdated("globex", "db", Map.of("dbPassword", rotated));
        assertThat(plane.instance("globex", "db").path("spec").path("parameters").path("dbPassword").path("version").asInt()).isEqualTo(2);
        assertThat(environment(pid("globex", "db"))).contains("DB_PASSWORD=" + rotated).doesNotContain(password);

        assertNoValueLeaked();
    }

    private static void awaitUpdated(String tenant, String name, Map<String, Object> parameters) {
        TestPlane.Reply r = plane.call("PATCH", "/v1/tenants/" + tenant + "/instances/" + name, Map.of("parameters", parameters), plane.admin);
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        JsonNode op = plane.awaitOperation(r.json().path("operation").path("id").asText());
        assertThat(op.path("state").asText()).as(op.toString()).isEqualTo("SUCCEEDED");
        await().atMost(Duration.ofSeconds(15)).until(() -> plane.instance(tenant, name).path("status").path("replicas").size() == 1);
    }

    private static void assertNoValueLeaked() throws Exception {
        assertNoValueIn(databaseDump(), "the database");
        assertNoValueIn(filesUnder(plane.home.resolve("cells")), "the agent's work directory");
        assertNoValueIn(String.join("\n", logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList()), "the log");
        assertThat(logs.list).as("log lines captured").isNotEmpty();
    }

    private static String blueprintWithSecretParameter() {
        return blueprint().replace("env: {API_KEY: \"{{secrets.apiKey}}\", GREETING_FILE: \"{{secretFiles.greeting}}\"}",
                        "env: {DB_PASSWORD: \"{{secrets.dbPassword}}\", GREETING: \"{{params.greeting}}\"}")
                .replace("secrets: [{name: apiKey, description: the payment provider's key}, {name: greeting}]",
                        "parameters: [{name: dbPassword, type: secret, required: true}, {name: greeting, type: string, default: Hello}]");
    }

    /** Sets the secret to a fresh value starting with {@code prefix}; returns the value. */
    private static String set(String path, String prefix) {
        String value = prefix + UUID.randomUUID();
        values.add(value);
        TestPlane.Reply r = plane.call("PUT", path, Map.of("value", value), plane.admin);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).doesNotContain(value);
        return value;
    }

    private static void awaitRotated(String tenant, String name, long generation) {
        await().atMost(TestPlane.WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
            JsonNode i = plane.instance(tenant, name);
            return i.path("generation").asLong() >= generation && i.path("status").path("observedGeneration").asLong() >= generation
                    && i.path("status").path("phase").asText().equals("RUNNING");
        });
        JsonNode op = plane.awaitOperation(plane.instance(tenant, name).path("lastOperation").asText());
        assertThat(op.path("type").asText()).isEqualTo("instance.rotate-secrets");
        assertThat(op.path("state").asText()).isEqualTo("SUCCEEDED");
    }

    private static void assertNoValueIn(String haystack, String where) {
        for (String value : values) assertThat(haystack).as(where + " holds no secret value").doesNotContain(value);
    }

    /** Every row of every table of the control plane's schema, as text. */
    private static String databaseDump() throws Exception {
        StringBuilder dump = new StringBuilder();
        try (Connection c = db(); Statement s = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet t = s.executeQuery("select tablename from pg_tables where schemaname = current_schema()")) {
                while (t.next()) tables.add(t.getString(1));
            }
            for (String table : tables) {
                try (ResultSet rows = s.executeQuery("select t::text from \"" + table + "\" t")) {
                    while (rows.next()) dump.append(rows.getString(1)).append('\n');
                }
            }
            assertThat(tables).contains("secrets", "instances", "events", "audit");
        }
        return dump.toString();
    }

    private static String filesUnder(Path dir) throws Exception {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) all.append(new String(Files.readAllBytes(f), StandardCharsets.UTF_8)).append('\n');
        }
        assertThat(all.toString()).as("the agent's cache of the desired state is there").contains("\"secrets\"");
        return all.toString();
    }

    private static Path secretFile(String uid, String name) throws Exception {
        try (Stream<Path> roots = Files.list(Path.of("/dev/shm"))) {
            for (Path root : roots.filter(p -> p.getFileName().toString().startsWith("tenantry-secrets-")).toList()) {
                Path instance = root.resolve(uid);
                if (!Files.isDirectory(instance)) continue;
                try (Stream<Path> replicas = Files.list(instance)) {
                    for (Path replica : replicas.toList()) if (Files.exists(replica.resolve(name))) return replica.resolve(name);
                }
            }
        }
        throw new AssertionError("no secret file " + name + " of instance " + uid);
    }

    private static long pid(String tenant, String name) {
        return plane.instance(tenant, name).path("status").path("replicas").get(0).path("pid").asLong();
    }

    private static String environment(long pid) throws Exception {
        return new String(Files.readAllBytes(Path.of("/proc/" + pid + "/environ")), StandardCharsets.UTF_8).replace('\0', '\n');
    }

    private static java.util.Optional<Integer> uidOf(long pid) {
        try {
            return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream().filter(l -> l.startsWith("Uid:"))
                    .map(l -> Integer.parseInt(l.split("\\s+")[1])).findFirst();
        } catch (java.io.IOException e) {
            return java.util.Optional.empty();
        }
    }

    private static String blueprint() {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return """
                components:
                  - name: web
                    command: ["%s", "-Xmx48m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", "%s", "dev.tenantry.examples.hello.HelloApp"]
                    env: {API_KEY: "{{secrets.apiKey}}", GREETING_FILE: "{{secretFiles.greeting}}"}
                    ports: [{name: http}]
                    health: {type: http, port: http, path: /healthz, intervalMillis: 200}
                secrets: [{name: apiKey, description: the payment provider's key}, {name: greeting}]
                """.formatted(java, HelloBlueprint.classpath());
    }

    private static Connection db() throws Exception {
        var db = plane.dev.database();
        return DriverManager.getConnection(db.url(), db.user(), db.password());
    }
}
