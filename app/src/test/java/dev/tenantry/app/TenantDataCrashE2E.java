package dev.tenantry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantry.api.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code kill -9} of the whole control plane ({@code ./tenantry up}: server, agent and gateway in one process) in the
 * middle of a rollout's migration wave, of a database backup and of a move to the dedicated model (its copy in flight
 * into the instance's own PostgreSQL server, which the agent runs and adopts across the kill). After a restart on the
 * same home, the rollout finishes with every tenant's migrations applied exactly once and its notes intact, the backup
 * is taken again from the start and restores every row, and the move ends with every row on the own server and the old
 * place cleaned up.
 */
class TenantDataCrashE2E {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private static final int INSTANCES = 3;
    private static final int BIG_ROWS = 300_000;
    private static final int MOVER_ROWS = 300_000;
    private Path home;
    private Process up;
    private String api;
    private String admin;

    @AfterEach
    void stopEverything() throws Exception {
        if (up != null && up.isAlive()) {
            up.destroy();
            up.waitFor(60, TimeUnit.SECONDS);
        }
        if (home != null) {
            SplitProcesses.stopWorkloadsUnder(home);
            assertThat(new ProcessBuilder("rm", "-rf", home.toString()).start().waitFor()).isZero();
        }
    }

    @Test
    void aKilledControlPlaneFinishesTheMigrationWaveTheBackupAndTheMoveAfterItsRestarts() throws Exception {
        home = Files.createTempDirectory("tenantry-crash-data-");
        Files.setPosixFilePermissions(home, java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
        up = UpLauncher.start(home, home.resolve("up-1.log"));
        awaitReady(home.resolve("up-1.log"));
        assertThat(call("POST", "/v1/tenants", Map.of("id", "acme")).statusCode()).isEqualTo(201);
        for (int i = 0; i < INSTANCES; i++) {
            assertThat(call("POST", "/v1/tenants/acme/instances", Map.of("name", "n" + i, "service", "notes", "plan", "schema", "release", "1.0.0"))
                    .statusCode()).isEqualTo(202);
        }
        for (int i = 0; i < INSTANCES; i++) {
            String name = "n" + i;
            await().atMost(Duration.ofSeconds(90)).until(() -> json("GET", "/v1/tenants/acme/instances/" + name).path("status").path("phase").asText().equals("RUNNING"));
            assertThat(gateway("POST", name, "note of " + name).statusCode()).isEqualTo(201);
        }
        // a big tenant, whose backup takes a while
        JsonNode big = json("GET", "/v1/tenants/acme/instances/n0/database");
        try (Connection c = tenantData(big.path("database").asText()); Statement s = c.createStatement()) {
            s.execute("insert into \"" + big.path("schema").asText() + "\".notes (body) select 'filler ' || g from generate_series(1, " + BIG_ROWS + ") g");
        }
        publishSlowRelease();
        // another tenant's instance (not in the rollout) that moves from the schema model to the dedicated model
        assertThat(call("POST", "/v1/tenants", Map.of("id", "globex")).statusCode()).isEqualTo(201);
        assertThat(call("POST", "/v1/tenants/globex/instances", Map.of("name", "mover", "service", "notes", "plan", "schema")).statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(90)).until(() -> json("GET", "/v1/tenants/globex/instances/mover").path("status").path("phase").asText().equals("RUNNING"));
        JsonNode moverDb = json("GET", "/v1/tenants/globex/instances/mover/database");
        String moverRole = moverDb.path("schema").asText();
        try (Connection c = tenantData(moverDb.path("database").asText()); Statement s = c.createStatement()) {
            s.execute("insert into \"" + moverRole + "\".notes (body) select 'moving ' || g from generate_series(1, " + MOVER_ROWS + ") g");
        }

        HttpResponse<String> rollout = call("POST", "/v1/rollouts", Map.of("service", "notes", "release", "1.5.0", "selector", Map.of("tenants", List.of("acme")),
                "strategy", Map.of("maxParallel", 3)));
        assertThat(rollout.statusCode()).as(rollout.body()).isEqualTo(201);
        String rolloutId = Json.MAPPER.readTree(rollout.body()).path("id").asText();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> migrating() > 0);
        HttpResponse<String> backup = call("POST", "/v1/tenants/acme/instances/n0/backups", null);
        assertThat(backup.statusCode()).as(backup.body()).isEqualTo(202);
        String backupId = Json.MAPPER.readTree(backup.body()).path("id").asText();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                .until(() -> json("GET", "/v1/tenants/acme/instances/n0/backups/" + backupId).path("state").asText().equals("running"));
        assertThat(migrating()).as("a migration is in flight at the kill").isPositive();

        up.destroyForcibly();
        assertThat(up.waitFor(60, TimeUnit.SECONDS)).isTrue();
        up = UpLauncher.start(home, home.resolve("up-2.log"));
        awaitReady(home.resolve("up-2.log"));

        await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofSeconds(1))
                .until(() -> json("GET", "/v1/rollouts/" + rolloutId).path("state").asText(), s -> s.equals("SUCCEEDED") || s.equals("HALTED"));
        assertThat(json("GET", "/v1/rollouts/" + rolloutId).path("state").asText()).isEqualTo("SUCCEEDED");
        for (int i = 0; i < INSTANCES; i++) {
            String name = "n" + i;
            JsonNode db = json("GET", "/v1/tenants/acme/instances/" + name + "/database");
            assertThat(db.path("migrations").findValuesAsText("version")).as(name).containsExactly("1", "1.1", "2");
            try (Connection c = tenantData(db.path("database").asText()); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("select count(*), bool_and(success) from \"" + db.path("schema").asText()
                         + "\".flyway_schema_history where version = '2'")) {
                rs.next();
                assertThat(rs.getInt(1)).as(name + ": migration 2 recorded once").isEqualTo(1);
                assertThat(rs.getBoolean(2)).isTrue();
            }
            HttpResponse<String> notes = gateway("GET", name, null);
            assertThat(notes.statusCode()).isEqualTo(200);
            assertThat(notes.body()).contains("note of " + name);
        }

        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1))
                .until(() -> json("GET", "/v1/tenants/acme/instances/n0/backups/" + backupId).path("state").asText(), s -> s.equals("succeeded") || s.equals("failed"));
        JsonNode taken = json("GET", "/v1/tenants/acme/instances/n0/backups/" + backupId);
        assertThat(taken.path("state").asText()).as(taken.toString()).isEqualTo("succeeded");
        assertThat(taken.path("rows").asLong()).isEqualTo(BIG_ROWS + 1);
        try (var files = Files.list(home.resolve("backups"))) {
            assertThat(files.map(f -> f.getFileName().toString()).toList()).as("the killed attempt's partial file is gone")
                    .containsExactly(backupId + ".backup");
        }
        // the second kill: in the middle of a move's copy
        HttpResponse<String> move = call("PATCH", "/v1/tenants/globex/instances/mover", Map.of("plan", "dedicated"));
        assertThat(move.statusCode()).as(move.body()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10)).until(() -> copyingFrom("schemas_notes"));
        up.destroyForcibly();
        assertThat(up.waitFor(60, TimeUnit.SECONDS)).isTrue();
        up = UpLauncher.start(home, home.resolve("up-3.log"));
        awaitReady(home.resolve("up-3.log"));
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1))
                .until(() -> json("GET", "/v1/tenants/globex/instances/mover/database").path("isolation").asText().equals("dedicated"));
        await().atMost(Duration.ofSeconds(60)).until(() -> json("GET", "/v1/tenants/globex/instances/mover").path("status").path("phase").asText().equals("RUNNING"));
        String ownServer = json("GET", "/v1/tenants/globex/instances/mover/database").path("server").asText();
        try (Connection c = ownServer(ownServer, moverRole); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select count(*) from notes")) {
            rs.next();
            assertThat(rs.getLong(1)).as("every row in the new model").isEqualTo(MOVER_ROWS);
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            try (Connection c = tenantData("schemas_notes"); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("select count(*) from pg_namespace where nspname = '" + moverRole + "'")) {
                rs.next();
                return rs.getLong(1) == 0;
            }
        });

        HttpResponse<String> fork = call("POST", "/v1/tenants/acme/instances/n0/backups/" + backupId + "/restore", Map.of("instance", "n0-copy"));
        assertThat(fork.statusCode()).as(fork.body()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(120)).until(() -> json("GET", "/v1/tenants/acme/instances/n0-copy").path("status").path("phase").asText().equals("RUNNING"));
        JsonNode copy = json("GET", "/v1/tenants/acme/instances/n0-copy/database");
        try (Connection c = tenantData(copy.path("database").asText()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select count(*) from \"" + copy.path("schema").asText() + "\".notes")) {
            rs.next();
            assertThat(rs.getLong(1)).as("every row of the backup").isEqualTo(BIG_ROWS + 1);
        }
    }

    /** Notes 1.5.0: 1.1.0 plus a migration that takes a few seconds, so that the kill lands in the middle of the wave. */
    private void publishSlowRelease() throws Exception {
        JsonNode base = json("GET", "/v1/services/notes/releases/1.1.0").path("blueprint");
        List<Object> migrations = new ArrayList<>();
        base.path("database").path("migrations").forEach(m -> migrations.add(Json.MAPPER.convertValue(m, Map.class)));
        migrations.add(Map.of("version", "2", "description", "slow", "sql", "select pg_sleep(3); alter table notes add column priority int;"));
        Map<String, Object> blueprint = new java.util.LinkedHashMap<>(Json.MAPPER.convertValue(base, Map.class));
        blueprint.put("database", Map.of("engine", "postgres", "migrations", migrations));
        HttpResponse<String> r = call("POST", "/v1/services/notes/releases", Map.of("version", "1.5.0", "blueprint", blueprint));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    /** How many tenant databases are running migrations right now (PostgreSQL's view of it: a pg_sleep of a migration). */
    private long migrating() throws Exception {
        try (Connection c = tenantData("postgres"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select count(*) from pg_stat_activity where query like '%pg_sleep(3)%' and pid <> pg_backend_pid()")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Whether a move's copy is reading rows out of the tenant's old place in that database. */
    private boolean copyingFrom(String database) throws Exception {
        try (Connection c = tenantData("postgres"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select count(*) from pg_stat_activity where datname = '" + database + "' and query ilike 'copy %'"
                     + " and pid <> pg_backend_pid()")) {
            rs.next();
            return rs.getLong(1) > 0;
        }
    }

    /** An instance's own server as its admin (the password as the cell's agent is given it). */
    private Connection ownServer(String server, String database) throws Exception {
        String agentToken = Files.readString(home.resolve("agent.token")).strip();
        HttpResponse<String> secrets = HTTP.send(HttpRequest.newBuilder(URI.create(api + "/v1/cells/local/instances/" + server + "/secrets"))
                .header("Authorization", "Bearer " + agentToken).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(secrets.statusCode()).as(secrets.body()).isEqualTo(200);
        JsonNode row = json("GET", "/v1/database-servers/" + server);
        Properties props = new Properties();
        props.setProperty("user", row.path("adminUser").asText());
        props.setProperty("password", Json.MAPPER.readTree(secrets.body()).path("values").path("admin_password").asText());
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + row.path("port").asInt() + "/" + database, props);
    }

    private Connection tenantData(String database) throws Exception {
        Properties props = new Properties();
        props.setProperty("user", "tenantry");
        props.setProperty("password", Files.readString(home.resolve("tenant-data/pgdata.password")).strip());
        int port = json("GET", "/v1/database-servers/local").path("port").asInt();
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + database, props);
    }

    private void awaitReady(Path log) {
        Path urlFile = home.resolve("api.url");
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(50)).until(() -> {
            if (!up.isAlive()) throw new AssertionError("tenantry up exited: " + Files.readString(log));
            if (!Files.exists(urlFile)) return false;
            try {
                api = Files.readString(urlFile).strip();
                return HTTP.send(HttpRequest.newBuilder(URI.create(api + "/readyz")).build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
            } catch (IOException notListening) {
                return false;
            }
        });
        try {
            admin = Files.readString(home.resolve("admin.token")).strip();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private HttpResponse<String> gateway(String method, String instance, String body) throws Exception {
        String port = json("GET", "/v1/cells/local").path("endpointTemplate").asText().replaceAll(".*:(\\d+)/$", "$1");
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/notes")).header("Host", instance + ".acme.localhost")
                .timeout(Duration.ofSeconds(10));
        b = body == null ? b.GET() : b.header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode json(String method, String path) throws Exception {
        return Json.MAPPER.readTree(call(method, path, null).body());
    }

    private HttpResponse<String> call(String method, String path, Object body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(api + path)).timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + admin)
                .header("Content-Type", "application/json").method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(Json.write(body))).build(), HttpResponse.BodyHandlers.ofString());
    }
}
