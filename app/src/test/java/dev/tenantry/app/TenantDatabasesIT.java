package dev.tenantry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Tenant databases for real: dev mode's second embedded PostgreSQL holds the notes example's data in three isolation
 * models (shared tables under row-level security, a schema per tenant, a database per tenant), and the agent runs a
 * PostgreSQL server of each dedicated instance's own (from the same embedded binaries) for the fourth. Each tenant's own
 * credentials (as the agent hands them to its replicas) are used to try to read another tenant's data; migrations run
 * inside a rollout, a failing one fails the upgrade while the old release serves, and a purge leaves nothing behind.
 */
class TenantDatabasesIT {
    private static final List<String> MODELS = List.of("shared", "schema", "database", "dedicated");
    private static final ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logs = new ch.qos.logback.core.read.ListAppender<>();
    /** Every tenant password the tests saw, and the server's admin password: none may be found anywhere but the tenant server. */
    private static final java.util.Set<String> passwords = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private static TestPlane plane;

    @BeforeAll
    static void start() throws Exception {
        logs.start();
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
        plane = TestPlane.startWithTenantData();
        plane.createTenant("acme");
        plane.createTenant("globex");
        for (String tenant : List.of("acme", "globex")) {
            for (String model : MODELS) {
                TestPlane.Reply created = plane.post("/v1/tenants/" + tenant + "/instances",
                        Map.of("name", "n-" + model, "service", "notes", "plan", model, "release", "1.0.0"));
                assertThat(created.status()).as(created.body()).isEqualTo(202);
            }
        }
        for (String tenant : List.of("acme", "globex")) {
            for (String model : MODELS) {
                plane.awaitPhase(tenant, "n-" + model, "RUNNING");
                TestPlane.Reply added = addNote(tenant, "n-" + model, tenant + " " + model + " note");
                assertThat(added.status()).as(added.body()).isEqualTo(201);
            }
        }
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (plane != null) assertNoPasswordLeaked();
        } finally {
            ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
            if (plane != null) plane.close();
        }
    }

    /** No database password in the control plane's database, the agent's work directory (replica logs included) or the log. */
    private static void assertNoPasswordLeaked() throws Exception {
        passwords.add(adminPassword());
        assertThat(passwords).as("passwords seen").hasSizeGreaterThan(6);
        StringBuilder dump = new StringBuilder();
        var db = plane.dev.database();
        try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password()); Statement s = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet t = s.executeQuery("select tablename from pg_tables where schemaname = current_schema()")) {
                while (t.next()) tables.add(t.getString(1));
            }
            for (String table : tables) {
                try (ResultSet rows = s.executeQuery("select t::text from \"" + table + "\" t")) {
                    while (rows.next()) dump.append(rows.getString(1)).append('\n');
                }
            }
            assertThat(tables).contains("instance_databases", "database_servers", "secrets");
        }
        StringBuilder files = new StringBuilder();
        try (var walk = Files.walk(plane.home.resolve("cells"))) {
            // dedicated servers' own data (their SCRAM verifiers, like the tenant server's) is not the agent's to check
            for (var f : walk.filter(Files::isRegularFile).filter(f -> !f.toString().contains("/pgdata")).toList()) files.append(Files.readString(f, java.nio.charset.StandardCharsets.ISO_8859_1));
        }
        String log = String.join("\n", logs.list.stream().map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage).toList());
        assertThat(files.toString()).as("the agent's files are there").contains("PGUSER");
        for (String password : passwords) {
            assertThat(dump.toString()).as("the control plane's database").doesNotContain(password);
            assertThat(files.toString()).as("the agent's work directory").doesNotContain(password);
            assertThat(log).as("the log").doesNotContain(password);
        }
    }

    @Test
    void eachModelShowsATenantOnlyItsOwnNotes() {
        for (String tenant : List.of("acme", "globex")) {
            for (String model : MODELS) {
                JsonNode notes = notes(tenant, "n-" + model);
                assertThat(bodies(notes)).as(tenant + " in the " + model + " model").contains(tenant + " " + model + " note")
                        .noneMatch(body -> body.startsWith(tenant.equals("acme") ? "globex" : "acme"));
                JsonNode db = plane.get("/v1/tenants/" + tenant + "/instances/n-" + model + "/database").json();
                assertThat(db.path("isolation").asText()).isEqualTo(model);
                assertThat(db.path("state").asText()).isEqualTo("ready");
                assertThat(db.path("migrations").findValuesAsText("version")).startsWith("1");
                assertThat(db.toString()).as("the password is never shown").doesNotContain(credentials(tenant, "n-" + model).password());
            }
        }
    }

    @Test
    void aTenantsOwnCredentialsCannotReachAnotherTenantsData() throws Exception {
        // shared: the same table, but row-level security shows and accepts only the tenant's rows, even unfiltered
        Credentials acmeShared = credentials("acme", "n-shared");
        Credentials globexShared = credentials("globex", "n-shared");
        try (Connection c = acmeShared.connect(acmeShared.database()); Statement s = c.createStatement()) {
            assertThat(count(s, "select count(*) from notes")).isEqualTo(count(s, "select count(*) from notes where body like 'acme%'")).isPositive();
            assertThat(count(s, "select count(*) from notes where body like 'globex%'")).isZero();
            assertThatThrownBy(() -> s.execute("insert into notes (body, tenantry_tenant) values ('forged', '" + globexShared.role() + "')"))
                    .hasMessageContaining("row-level security");
            assertThat(s.executeUpdate("update notes set body = 'overwritten' where body like 'globex%'")).isZero();
            assertThat(s.executeUpdate("delete from notes where body like 'globex%'")).isZero();
            assertThatThrownBy(() -> s.execute("set role \"" + globexShared.role() + "\"")).hasMessageContaining("permission denied");
            assertThatThrownBy(() -> s.execute("alter table notes disable row level security")).hasMessageContaining("must be owner");
        }
        assertThat(bodies(notes("globex", "n-shared"))).containsExactly("globex shared note");

        // schema: the other tenant's schema is out of reach
        Credentials acmeSchema = credentials("acme", "n-schema");
        Credentials globexSchema = credentials("globex", "n-schema");
        try (Connection c = acmeSchema.connect(acmeSchema.database()); Statement s = c.createStatement()) {
            assertThat(count(s, "select count(*) from notes")).isEqualTo(1);
            assertThatThrownBy(() -> s.executeQuery("select * from \"" + globexSchema.schema() + "\".notes")).hasMessageContaining("permission denied");
            assertThatThrownBy(() -> s.execute("create table public.stolen (x int)")).hasMessageContaining("permission denied");
        }

        // database: the other tenant's database refuses the connection
        Credentials acmeDb = credentials("acme", "n-database");
        Credentials globexDb = credentials("globex", "n-database");
        try (Connection c = acmeDb.connect(acmeDb.database()); Statement s = c.createStatement()) {
            assertThat(count(s, "select count(*) from notes")).isEqualTo(1);
        }
        assertThatThrownBy(() -> acmeDb.connect(globexDb.database()).close()).isInstanceOf(SQLException.class).hasMessageContaining("permission denied");
        assertThatThrownBy(() -> acmeDb.connect(globexSchema.database()).close()).isInstanceOf(SQLException.class).hasMessageContaining("permission denied");

        // dedicated: a server of its own, which knows no other tenant's login (and the shared server none of its own)
        Credentials acmeOwn = credentials("acme", "n-dedicated");
        Credentials globexOwn = credentials("globex", "n-dedicated");
        assertThat(acmeOwn.port()).isNotEqualTo(globexOwn.port()).isNotEqualTo(tenantDataPort());
        try (Connection c = acmeOwn.connect(acmeOwn.database()); Statement s = c.createStatement()) {
            assertThat(count(s, "select count(*) from notes")).isEqualTo(1);
            assertThat(count(s, "select count(*) from pg_roles where left(rolname, 2) = 't_' and left(rolname, " + acmeOwn.role().length() + ") <> '" + acmeOwn.role() + "'"))
                    .as("no other tenant's role on its server").isZero();
            assertThatThrownBy(() -> s.execute("create database stolen")).hasMessageContaining("permission denied");
        }
        Credentials acmeOnGlobexServer = new Credentials(globexOwn.host(), globexOwn.port(), globexOwn.database(), null, acmeOwn.user(), acmeOwn.password());
        assertThatThrownBy(() -> acmeOnGlobexServer.connect(globexOwn.database()).close()).isInstanceOf(SQLException.class)
                .hasMessageContaining("authentication failed");
        Credentials acmeOnSharedServer = new Credentials(acmeDb.host(), acmeDb.port(), acmeDb.database(), null, acmeOwn.user(), acmeOwn.password());
        assertThatThrownBy(() -> acmeOnSharedServer.connect(globexDb.database()).close()).isInstanceOf(SQLException.class)
                .hasMessageContaining("authentication failed");
    }

    @Test
    void anUpgradeRunsItsMigrationsForEachTenantAndAFailingOneLeavesTheOldReleaseServing() throws Exception {
        JsonNode rollout = plane.post("/v1/rollouts", Map.of("service", "notes", "release", "1.1.0",
                "selector", Map.of("tenants", List.of("acme")), "strategy", Map.of("maxParallel", 3))).json();
        awaitRollout(rollout.path("id").asText(), "SUCCEEDED");
        for (String model : MODELS) {
            JsonNode db = plane.get("/v1/tenants/acme/instances/n-" + model + "/database").json();
            assertThat(db.path("release").asText()).isEqualTo("1.1.0");
            assertThat(db.path("migrations").findValuesAsText("version")).as(model).containsExactly("1", "1.1");
            TestPlane.Reply added = plane.postViaGateway(host("acme", "n-" + model), "/notes", "body=signed&author=ada", "application/x-www-form-urlencoded");
            assertThat(added.status()).as(added.body()).isEqualTo(201);
            assertThat(added.json().path("author").asText()).isEqualTo("ada");
            assertThat(bodies(notes("acme", "n-" + model))).as("the notes survived the upgrade").containsExactly("acme " + model + " note", "signed");
        }
        // globex still runs 1.0.0; in the shared pool it runs on the expanded table (expand: the old release lives with it)
        assertThat(addNote("globex", "n-shared", "still on 1.0.0").status()).isEqualTo(201);

        // contract (not on the shared pool, where globex still runs 1.0.0): a write as 1.0.0 makes it (no author) is refused from then on
        publish("1.3.0", "1.2", "require author", dev.tenantry.examples.notes.NotesBlueprint.migration(dev.tenantry.examples.notes.NotesBlueprint.CONTRACT_MIGRATION));
        JsonNode contract = plane.post("/v1/rollouts", Map.of("service", "notes", "release", "1.3.0",
                "selector", Map.of("tenants", List.of("acme"), "plans", List.of("database")))).json();
        awaitRollout(contract.path("id").asText(), "SUCCEEDED");
        JsonNode contracted = plane.get("/v1/tenants/acme/instances/n-database/database").json();
        assertThat(contracted.path("migrations").findValuesAsText("version")).containsExactly("1", "1.1", "1.2");
        Credentials acme = credentials("acme", "n-database");
        try (Connection c = acme.connect(acme.database()); Statement s = c.createStatement()) {
            assertThatThrownBy(() -> s.execute("insert into notes (body) values ('as 1.0.0 writes')")).hasMessageContaining("author");
            assertThat(count(s, "select count(*) from notes where author is null")).as("old notes were given an author").isZero();
        }
        assertThat(plane.postViaGateway(host("acme", "n-database"), "/notes", "body=after the contract&author=grace",
                "application/x-www-form-urlencoded").status()).isEqualTo(201);

        publish("1.2.0", "2", "add priority", "alter table notes add column priority int; select * from no_such_table;");
        JsonNode failing = plane.post("/v1/rollouts", Map.of("service", "notes", "release", "1.2.0",
                "selector", Map.of("tenants", List.of("globex"), "plans", List.of("schema")))).json();
        awaitRollout(failing.path("id").asText(), "HALTED");
        JsonNode halted = plane.get("/v1/rollouts/" + failing.path("id").asText()).json();
        JsonNode instance = plane.instance("globex", "n-schema");
        assertThat(instance.path("status").path("phase").asText()).isEqualTo("RUNNING");
        JsonNode upgrade = halted.path("instances").get(0);
        assertThat(upgrade.path("state").asText()).as(halted.toString()).isEqualTo("ROLLED_BACK");
        assertThat(upgrade.path("reason").asText()).as("why it went back").contains("back at release 1.0.0; the upgrade failed")
                .contains("migrations of release 1.2.0 failed").contains("no_such_table");
        JsonNode db = plane.get("/v1/tenants/globex/instances/n-schema/database").json();
        assertThat(db.path("state").asText()).as(db.toString()).isEqualTo("ready");
        assertThat(db.path("release").asText()).as("rolled back").isEqualTo("1.0.0");
        assertThat(db.path("migrations").findValuesAsText("version")).as("1.1 ran before 2 failed; 1.0.0 runs on the expanded table")
                .containsExactly("1", "1.1");
        assertThat(notes("globex", "n-schema").size()).as("the old release keeps serving").isEqualTo(1);
        assertThat(plane.viaGateway(host("globex", "n-schema"), "/").body()).contains("release 1.0.0");

        publish("1.2.1", "2", "add priority", "alter table notes add column priority int;");
        JsonNode fixed = plane.post("/v1/rollouts", Map.of("service", "notes", "release", "1.2.1",
                "selector", Map.of("tenants", List.of("globex"), "plans", List.of("schema")))).json();
        awaitRollout(fixed.path("id").asText(), "SUCCEEDED");
        JsonNode after = plane.get("/v1/tenants/globex/instances/n-schema/database").json();
        assertThat(after.path("state").asText()).isEqualTo("ready");
        assertThat(after.path("migrations").findValuesAsText("version")).containsExactly("1", "1.1", "2");
        assertThat(bodies(notes("globex", "n-schema"))).containsExactly("globex schema note");
    }

    @Test
    void purgingAnInstanceLeavesNothingOfItsDatabase() throws Exception {
        List<String> roles = new ArrayList<>();
        String ownServer = null;
        java.nio.file.Path ownServerDir = null;
        int ownServerPort = 0;
        for (String model : MODELS) {
            String name = "gone-" + model;
            assertThat(plane.post("/v1/tenants/acme/instances", Map.of("name", name, "service", "notes", "plan", model)).status()).isEqualTo(202);
            plane.awaitPhase("acme", name, "RUNNING");
            assertThat(addNote("acme", name, "doomed").status()).isEqualTo(201);
            roles.add(credentials("acme", name).role());
            if (model.equals("dedicated")) {
                ownServer = plane.get("/v1/tenants/acme/instances/" + name + "/database").json().path("server").asText();
                ownServerPort = plane.get("/v1/database-servers/" + ownServer).json().path("port").asInt();
                ownServerDir = plane.home.resolve("cells").resolve("local").resolve("instances").resolve(ownServer);
                assertThat(ownServerDir.resolve("data").resolve("pgdata").resolve("PG_VERSION")).exists();
            }
        }
        for (String model : MODELS) {
            assertThat(plane.delete("/v1/tenants/acme/instances/gone-" + model).status()).isEqualTo(202);
            plane.awaitPhase("acme", "gone-" + model, "DELETED");
            assertThat(plane.post("/v1/tenants/acme/instances/gone-" + model + "/purge", null).status()).isEqualTo(202);
        }
        for (String model : MODELS) plane.awaitPhase("acme", "gone-" + model, "PURGED");
        assertThat(plane.get("/v1/database-servers/" + ownServer).status()).as("the own server is deregistered").isEqualTo(404);
        assertThat(ownServerDir).as("its data directory is removed").doesNotExist();
        int port = ownServerPort;
        assertThatThrownBy(() -> new java.net.Socket("127.0.0.1", port).close()).as("it no longer listens").isInstanceOf(java.io.IOException.class);
        try (Connection admin = admin("postgres"); Statement s = admin.createStatement()) {
            for (String role : roles) {
                assertThat(count(s, "select count(*) from pg_roles where rolname like '" + role + "%'")).as("roles of " + role).isZero();
                assertThat(count(s, "select count(*) from pg_database where datname = '" + role + "'")).as("database " + role).isZero();
            }
        }
        try (Connection admin = admin("schemas_notes"); Statement s = admin.createStatement()) {
            for (String role : roles) assertThat(count(s, "select count(*) from pg_namespace where nspname = '" + role + "'")).isZero();
        }
        try (Connection admin = admin("shared_notes"); Statement s = admin.createStatement()) {
            assertThat(count(s, "select count(*) from notes where body = 'doomed'")).as("the purged tenant's rows").isZero();
            assertThat(count(s, "select count(*) from notes")).as("the other tenants' rows stay").isPositive();
        }
    }

    @Test
    void rotatingTheCredentialsLosesNoRequestAndRevokesTheOldLogin() throws Exception {
        assertThat(plane.post("/v1/tenants/acme/instances", Map.of("name", "r-schema", "service", "notes", "plan", "schema")).status()).isEqualTo(202);
        plane.awaitPhase("acme", "r-schema", "RUNNING");
        assertThat(addNote("acme", "r-schema", "kept across rotations").status()).isEqualTo(201);
        Credentials before = credentials("acme", "r-schema");
        java.util.concurrent.atomic.AtomicInteger ok = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.ConcurrentLinkedQueue<String> failures = new java.util.concurrent.ConcurrentLinkedQueue<>();
        java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread load = Thread.ofPlatform().start(() -> {
            while (running.get()) {
                TestPlane.Reply r = plane.viaGateway(host("acme", "r-schema"), "/notes");
                if (r.status() == 200) ok.incrementAndGet();
                else failures.add(r.status() + " " + r.body());
            }
        });
        try {
            TestPlane.Reply rotate = plane.post("/v1/tenants/acme/instances/r-schema/database/rotate", null);
            assertThat(rotate.status()).as(rotate.body()).isEqualTo(202);
            JsonNode op = plane.awaitOperation(rotate.json().path("operation").path("id").asText());
            assertThat(op.path("state").asText()).as(op.toString()).isEqualTo("SUCCEEDED");
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                try (Connection admin = admin("postgres"); Statement s = admin.createStatement()) {
                    return count(s, "select count(*) from pg_roles where rolname = '" + before.user() + "'") == 0;
                }
            });
        } finally {
            running.set(false);
            load.join();
        }
        assertThat(failures).as("requests during the rotation").isEmpty();
        assertThat(ok.get()).isGreaterThan(10);
        Credentials after = credentials("acme", "r-schema");
        assertThat(after.user()).isEqualTo(before.role() + "_2");
        assertThat(after.password()).isNotEqualTo(before.password());
        assertThatThrownBy(() -> before.connect(before.database()).close()).as("the old login is gone").isInstanceOf(SQLException.class);
        try (Connection c = after.connect(after.database()); Statement s = c.createStatement()) {
            assertThat(count(s, "select count(*) from notes")).isEqualTo(1);
        }
        assertThat(bodies(notes("acme", "r-schema"))).containsExactly("kept across rotations");
    }

    @Test
    void changingThePlanMovesTheDataToTheOtherModelAndCleansUpTheOldPlace() throws Exception {
        assertThat(plane.post("/v1/tenants/acme/instances", Map.of("name", "mover", "service", "notes", "plan", "shared")).status()).isEqualTo(202);
        plane.awaitPhase("acme", "mover", "RUNNING");
        for (String note : List.of("first", "second")) assertThat(addNote("acme", "mover", note).status()).isEqualTo(201);
        String role = credentials("acme", "mover").role();
        String ownServer = null;
        for (String model : List.of("schema", "database", "dedicated", "shared")) {
            TestPlane.Reply update = plane.call("PATCH", "/v1/tenants/acme/instances/mover", Map.of("plan", model), plane.admin);
            assertThat(update.status()).as(update.body()).isEqualTo(202);
            JsonNode op = plane.awaitOperation(update.json().path("operation").path("id").asText());
            assertThat(op.path("state").asText()).as(op.toString()).isEqualTo("SUCCEEDED");
            assertThat(op.toString()).contains("moved from the");
            JsonNode db = plane.get("/v1/tenants/acme/instances/mover/database").json();
            assertThat(db.path("isolation").asText()).isEqualTo(model);
            assertThat(db.path("migrations").findValuesAsText("version")).as("the same migrations").containsExactly("1", "1.1");
            assertThat(bodies(notes("acme", "mover"))).as("the data after the move to " + model).containsExactly("first", "second");
            assertThat(addNote("acme", "mover", "in " + model).status()).isEqualTo(201);
            assertThat(bodies(notes("acme", "mover"))).last().isEqualTo("in " + model);
            plane.postViaGateway(host("acme", "mover"), "/notes", "x", "text/plain");
            assertThat(bodies(notes("acme", "mover"))).hasSize(4);
            // back to three notes for the next round: the move copies whatever there is
            try (Connection admin = adminOf(db.path("server").asText(), db.path("database").asText()); Statement s = admin.createStatement()) {
                s.execute("delete from \"" + db.path("schema").asText() + "\".notes where body in ('x', 'in " + model + "')");
            }
            if (model.equals("dedicated")) ownServer = db.path("server").asText();
        }
        String moved = ownServer;
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(plane.get("/v1/database-servers/" + moved).status())
                .as("the own server goes after the move out of the dedicated model").isEqualTo(404));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            try (Connection admin = admin("postgres"); Statement s = admin.createStatement()) {
                assertThat(count(s, "select count(*) from pg_database where datname = '" + role + "'")).as("the database model's database").isZero();
            }
            try (Connection admin = admin("schemas_notes"); Statement s = admin.createStatement()) {
                assertThat(count(s, "select count(*) from pg_namespace where nspname = '" + role + "'")).as("the schema model's schema").isZero();
            }
        });
        try (Connection admin = admin("shared_notes"); Statement s = admin.createStatement()) {
            assertThat(count(s, "select count(*) from notes where tenantry_tenant = '" + role + "'")).as("its rows, once").isEqualTo(2);
        }
        assertThat(bodies(notes("globex", "n-shared"))).as("the neighbour in the pool").contains("globex shared note");
    }

    @Test
    void aKilledOwnServerIsRestartedByTheAgentWithItsDataAtItsAddress() throws Exception {
        JsonNode before = plane.get("/v1/tenants/globex/instances/n-dedicated/database").json();
        String server = before.path("server").asText();
        ProcessHandle postmaster = postmasterOf(server).orElseThrow();
        assertThat(postmaster.destroyForcibly()).isTrue();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> postmasterOf(server).filter(p -> p.pid() != postmaster.pid()).isPresent()
                        && plane.viaGateway(host("globex", "n-dedicated"), "/notes").status() == 200);
        assertThat(bodies(notes("globex", "n-dedicated"))).as("its data after the kill").contains("globex dedicated note");
        assertThat(addNote("globex", "n-dedicated", "after the kill").status()).isEqualTo(201);
        JsonNode after = plane.get("/v1/tenants/globex/instances/n-dedicated/database").json();
        assertThat(after.path("port").asInt()).as("the same address").isEqualTo(before.path("port").asInt());
        assertThat(after.path("state").asText()).isEqualTo("ready");
    }

    /** The postmaster of an instance's own server: the process whose command line names the server's data directory. */
    private static java.util.Optional<ProcessHandle> postmasterOf(String server) {
        String dataDir = "/instances/" + server + "/data/pgdata";
        return ProcessHandle.allProcesses().filter(p -> {
            try {
                String cmdline = Files.readString(java.nio.file.Path.of("/proc", String.valueOf(p.pid()), "cmdline")).replace('\0', ' ');
                return cmdline.contains("bin/postgres") && cmdline.contains(dataDir);
            } catch (java.io.IOException | java.io.UncheckedIOException gone) {
                return false;
            }
        }).findFirst();
    }

    @Test
    void badInputIsRefusedAndNamesTheField() throws Exception {
        TestPlane.Reply unknownModel = plane.post("/v1/services/notes/plans", Map.of("name", "odd", "database", Map.of("isolation", "sharded")));
        assertThat(unknownModel.status()).isEqualTo(400);
        assertThat(unknownModel.body()).contains("database.isolation");
        TestPlane.Reply badVersion = plane.post("/v1/services/notes/releases", Map.of("version", "9.0.0", "blueprint", Map.of(
                "components", List.of(Map.of("name", "web", "command", List.of("true"))),
                "database", Map.of("migrations", List.of(Map.of("version", "one", "description", "x", "sql", "select 1"),
                        Map.of("version", "2", "description", "y", "sql", " "))))));
        assertThat(badVersion.status()).isEqualTo(400);
        assertThat(badVersion.body()).contains("blueprint.database.migrations[0].version").contains("blueprint.database.migrations[1].sql");
        TestPlane.Reply unreachable = plane.post("/v1/database-servers", Map.of("name", "nowhere", "region", "local", "host", "127.0.0.1",
                "port", 1, "adminUser", "postgres", "adminPassword", "secret-admin-password"));
        assertThat(unreachable.status()).isEqualTo(400);
        assertThat(unreachable.body()).contains("host").contains("cannot be reached").doesNotContain("secret-admin-password");
        try (Connection admin = admin("postgres"); Statement s = admin.createStatement()) {
            s.execute("create role lowly login password 'lowly-password'");
        }
        TestPlane.Reply notSuper = plane.post("/v1/database-servers", Map.of("name", "lowly", "region", "local", "host", "127.0.0.1",
                "port", tenantDataPort(), "adminUser", "lowly", "adminPassword", "lowly-password"));
        assertThat(notSuper.status()).isEqualTo(400);
        assertThat(notSuper.body()).contains("adminUser").contains("superuser");
        JsonNode servers = plane.get("/v1/database-servers").json().path("items");
        List<String> registered = new ArrayList<>();
        servers.forEach(server -> {
            if (server.path("dedicatedTo").isNull() || server.path("dedicatedTo").isMissingNode()) registered.add(server.path("name").asText());
        });
        assertThat(registered).containsExactly("local");
        String own = plane.get("/v1/tenants/acme/instances/n-dedicated/database").json().path("server").asText();
        assertThat(plane.delete("/v1/database-servers/" + own).status()).as("an instance's own server goes with it").isEqualTo(409);
        assertThat(plane.get("/v1/database-servers").body()).doesNotContain(adminPassword());
        assertThat(plane.get("/v1/tenants/acme/instances/nosuch/database").status()).isEqualTo(404);
        assertThat(plane.delete("/v1/database-servers/local").status()).as("it holds tenant databases").isEqualTo(409);
    }

    // --- helpers

    record Credentials(String host, int port, String database, String schema, String user, String password) {
        String role() {
            return user.substring(0, user.lastIndexOf('_'));
        }

        Connection connect(String db) throws SQLException {
            Properties props = new Properties();
            props.setProperty("user", user);
            props.setProperty("password", password);
            return DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/" + db, props);
        }
    }

    /** What the instance's replicas are given: the address and login of GET …/database, the password as the agent fetches it. */
    private static Credentials credentials(String tenant, String name) {
        JsonNode db = plane.get("/v1/tenants/" + tenant + "/instances/" + name + "/database").json();
        String uid = plane.instance(tenant, name).path("uid").asText();
        String password = plane.asAgent("/v1/cells/local/instances/" + uid + "/secrets").json().path("values").path("PGPASSWORD").asText();
        assertThat(password).isNotEmpty();
        passwords.add(password);
        return new Credentials(db.path("host").asText(), db.path("port").asInt(), db.path("database").asText(), db.path("schema").asText(),
                db.path("user").asText(), password);
    }

    /** A release of notes: 1.1.0 with one more migration. */
    private static void publish(String version, String migrationVersion, String description, String sql) {
        JsonNode base = plane.get("/v1/services/notes/releases/1.1.0").json().path("blueprint");
        List<Object> migrations = new ArrayList<>();
        base.path("database").path("migrations").forEach(m -> migrations.add(Map.of("version", m.path("version").asText(),
                "description", m.path("description").asText(), "sql", m.path("sql").asText())));
        migrations.add(Map.of("version", migrationVersion, "description", description, "sql", sql));
        Map<String, Object> blueprint = new java.util.LinkedHashMap<>(dev.tenantry.api.Json.MAPPER.convertValue(base, Map.class));
        blueprint.put("database", Map.of("engine", "postgres", "migrations", migrations));
        TestPlane.Reply r = plane.post("/v1/services/notes/releases", Map.of("version", version, "blueprint", blueprint));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
    }

    private static void awaitRollout(String id, String state) {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                .until(() -> plane.get("/v1/rollouts/" + id).json().path("state").asText().equals(state));
    }

    private static String host(String tenant, String name) {
        return name + "." + tenant + ".localhost";
    }

    private static TestPlane.Reply addNote(String tenant, String name, String body) {
        return plane.postViaGateway(host(tenant, name), "/notes", body, "text/plain");
    }

    private static JsonNode notes(String tenant, String name) {
        TestPlane.Reply r = plane.viaGateway(host(tenant, name), "/notes");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    private static List<String> bodies(JsonNode notes) {
        return notes.findValuesAsText("body");
    }

    private static long count(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static int tenantDataPort() {
        return plane.get("/v1/database-servers/local").json().path("port").asInt();
    }

    private static String adminPassword() throws Exception {
        return Files.readString(plane.home.resolve("tenant-data").resolve("pgdata.password")).strip();
    }

    /** The admin of a server: dev mode's, or an instance's own (its password as its agent is given it). */
    private static Connection adminOf(String server, String db) throws Exception {
        if (server.equals("local")) return admin(db);
        JsonNode row = plane.get("/v1/database-servers/" + server).json();
        String password = plane.asAgent("/v1/cells/local/instances/" + server + "/secrets").json().path("values").path("admin_password").asText();
        assertThat(password).isNotEmpty();
        passwords.add(password);
        Properties props = new Properties();
        props.setProperty("user", row.path("adminUser").asText());
        props.setProperty("password", password);
        return DriverManager.getConnection("jdbc:postgresql://" + row.path("host").asText() + ":" + row.path("port").asInt() + "/" + db, props);
    }

    private static Connection admin(String db) throws Exception {
        Properties props = new Properties();
        props.setProperty("user", "tenantry");
        props.setProperty("password", adminPassword());
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + tenantDataPort() + "/" + db, props);
    }
}
