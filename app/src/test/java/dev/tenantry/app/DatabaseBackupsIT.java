package dev.tenantry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Backups of tenant databases for real (the notes example on dev mode's tenant-data PostgreSQL): taken on demand and
 * on a plan's schedule (the server's clock moved forward), encrypted in the backup directory, restored into the same
 * instance in every model and into a fork, kept as the plan says, refused across tenants, and gone with a purge.
 */
class DatabaseBackupsIT {
    private static final List<String> MODELS = List.of("shared", "schema", "database", "dedicated");
    private static final MovableClock clock = new MovableClock();
    private static TestPlane plane;

    @BeforeAll
    static void start() throws Exception {
        plane = TestPlane.startWithTenantData(clock);
        plane.createTenant("acme");
        plane.createTenant("globex");
    }

    @AfterAll
    static void stop() throws Exception {
        if (plane != null) plane.close();
    }

    @Test
    void aBackupRestoresIntoTheSameInstanceInEveryModel() throws Exception {
        for (String model : MODELS) create("acme", "b-" + model, model);
        // a neighbour in the shared pool, whose rows a restore of acme's must not touch
        create("globex", "b-shared", "shared");
        addNote("globex", "b-shared", "globex keeps this");
        for (String model : MODELS) {
            String name = "b-" + model;
            addNote("acme", name, "one");
            addNote("acme", name, "two");
            JsonNode backup = backUp("acme", name);
            assertThat(backup.path("rows").asLong()).as(model).isEqualTo(2);
            assertThat(backup.path("sizeBytes").asLong()).isPositive();
            byte[] file = Files.readAllBytes(backupFile(backup.path("id").asText()));
            assertThat(new String(file, StandardCharsets.ISO_8859_1)).as("encrypted at rest").doesNotContain("two").doesNotContain("notes");

            addNote("acme", name, "three");
            JsonNode op = awaitOperation(plane.post("/v1/tenants/acme/instances/" + name + "/backups/" + backup.path("id").asText() + "/restore", null));
            assertThat(op.path("state").asText()).as(op.toString()).isEqualTo("SUCCEEDED");
            plane.awaitPhase("acme", name, "RUNNING");
            await().atMost(Duration.ofSeconds(30)).until(() -> plane.viaGateway(host("acme", name), "/notes").status() == 200);
            assertThat(bodies("acme", name)).as(model + ": the data as it was backed up").containsExactly("one", "two");
            JsonNode added = addNote("acme", name, "four");
            assertThat(added.path("id").asLong()).as("sequences restored: new ids do not collide").isGreaterThan(2);
        }
        assertThat(bodies("globex", "b-shared")).containsExactly("globex keeps this");
    }

    @Test
    void aForkStartsANewInstanceOfTheTenantWithTheBackupsData() {
        create("acme", "f-src", "schema");
        addNote("acme", "f-src", "forked note");
        JsonNode backup = backUp("acme", "f-src");
        addNote("acme", "f-src", "after the backup");
        TestPlane.Reply fork = plane.post("/v1/tenants/acme/instances/f-src/backups/" + backup.path("id").asText() + "/restore",
                Map.of("instance", "f-copy"));
        assertThat(fork.status()).as(fork.body()).isEqualTo(202);
        JsonNode op = awaitOperation(fork);
        assertThat(op.path("state").asText()).as(op.toString()).isEqualTo("SUCCEEDED");
        assertThat(bodies("acme", "f-copy")).containsExactly("forked note");
        assertThat(bodies("acme", "f-src")).containsExactly("forked note", "after the backup");
        JsonNode copyDb = plane.get("/v1/tenants/acme/instances/f-copy/database").json();
        JsonNode srcDb = plane.get("/v1/tenants/acme/instances/f-src/database").json();
        assertThat(copyDb.path("schema").asText()).as("its own schema").isNotEqualTo(srcDb.path("schema").asText());
    }

    @Test
    void backupsOfAnotherTenantOrOfNoDatabaseAreRefused() {
        create("globex", "g-db", "database");
        addNote("globex", "g-db", "globex secret");
        JsonNode globexBackup = backUp("globex", "g-db");
        create("acme", "a-db", "database");
        TestPlane.Reply foreign = plane.post("/v1/tenants/acme/instances/a-db/backups/" + globexBackup.path("id").asText() + "/restore", null);
        assertThat(foreign.status()).isEqualTo(404);
        assertThat(foreign.body()).contains("backup");
        TestPlane.Reply foreignFork = plane.post("/v1/tenants/acme/instances/a-db/backups/" + globexBackup.path("id").asText() + "/restore",
                Map.of("instance", "stolen"));
        assertThat(foreignFork.status()).isEqualTo(404);
        assertThat(plane.get("/v1/tenants/acme/instances/stolen").status()).as("no fork was made").isEqualTo(404);
        assertThat(plane.get("/v1/tenants/acme/instances/a-db/backups/" + globexBackup.path("id").asText()).status()).isEqualTo(404);

        assertThat(plane.createInstance("acme", "plain", "hello", "starter").status()).isEqualTo(202);
        TestPlane.Reply noDatabase = plane.post("/v1/tenants/acme/instances/plain/backups", null);
        assertThat(noDatabase.status()).isEqualTo(409);
        assertThat(noDatabase.body()).contains("no database");
        TestPlane.Reply badSchedule = plane.post("/v1/services/notes/plans", Map.of("name", "odd-backups",
                "database", Map.of("isolation", "schema", "backups", Map.of("schedule", "every day", "keepCount", 0))));
        assertThat(badSchedule.status()).isEqualTo(400);
        assertThat(badSchedule.body()).contains("database.backups.schedule").contains("database.backups.keepCount");
    }

    @Test
    void scheduledBackupsFollowThePlanAndOnlyTheNewestAreKept() throws Exception {
        TestPlane.Reply plan = plane.post("/v1/services/notes/plans", Map.of("name", "hourly",
                "database", Map.of("isolation", "schema", "backups", Map.of("schedule", "0 * * * *", "keepCount", 2))));
        assertThat(plan.status()).as(plan.body()).isEqualTo(201);
        create("acme", "s-hourly", "hourly");
        addNote("acme", "s-hourly", "scheduled");
        List<String> taken = new java.util.ArrayList<>();
        for (int hour = 0; hour < 3; hour++) {
            clock.moveForward(Duration.ofHours(1));
            // the timer may well ask first: either way one backup is taken for the hour
            plane.dev.server().services().backups().enqueueScheduled();
            JsonNode newest = await().atMost(Duration.ofSeconds(60)).until(() -> backups("acme", "s-hourly").get(0),
                    b -> b != null && b.path("state").asText().equals("succeeded") && !taken.contains(b.path("id").asText()));
            assertThat(newest.path("trigger").asText()).isEqualTo("scheduled");
            taken.add(newest.path("id").asText());
            assertThat(plane.dev.server().services().backups().enqueueScheduled()).as("nothing more is due this hour").isZero();
        }
        List<String> kept = backups("acme", "s-hourly").findValuesAsText("id");
        assertThat(kept).containsExactly(taken.get(2), taken.get(1));
        assertThat(backupFile(taken.get(0))).as("the expired backup's file is deleted").doesNotExist();
        assertThat(backupFile(taken.get(2))).exists();

        // a purge takes the backups with the database
        assertThat(plane.delete("/v1/tenants/acme/instances/s-hourly").status()).isEqualTo(202);
        plane.awaitPhase("acme", "s-hourly", "DELETED");
        assertThat(plane.post("/v1/tenants/acme/instances/s-hourly/purge", null).status()).isEqualTo(202);
        plane.awaitPhase("acme", "s-hourly", "PURGED");
        for (String id : taken) assertThat(backupFile(id)).doesNotExist();
    }

    // --- helpers

    @Test
    void tenantDatabasesAreMeasuredIntoStorageUsage() {
        plane.createTenant("initech");
        create("initech", "u-schema", "schema");
        create("initech", "u-database", "database");
        create("initech", "u-shared-many", "shared");
        create("initech", "u-shared-one", "shared");
        addNote("initech", "u-schema", "measured");
        // in the shared pool: forty notes of 1,500 bytes against one short note
        for (int i = 0; i < 40; i++) addNote("initech", "u-shared-many", "n".repeat(1500));
        addNote("initech", "u-shared-one", "one");
        var usage = plane.dev.server().services().usage();
        assertThat(usage.measureDatabases()).as("the databases of their own and the shared pool's tenants").isGreaterThanOrEqualTo(4);
        clock.moveForward(Duration.ofHours(1));
        usage.measureDatabases();
        java.time.Instant now = clock.instant();
        JsonNode rows = plane.get("/v1/usage?tenant=initech&groupBy=instance&from=" + now.minus(Duration.ofDays(1)) + "&to=" + now.plus(Duration.ofDays(1)))
                .json().path("items");
        Map<String, Double> gbHours = new java.util.HashMap<>();
        for (JsonNode r : rows) gbHours.put(r.path("keys").path("instance").asText(), r.path("storageGbHours").asDouble());
        double schema = gbHours.getOrDefault("u-schema", 0.0);
        double database = gbHours.getOrDefault("u-database", 0.0);
        // an hour at the database's size: a new PostgreSQL database takes several MB, a schema with one table far less
        assertThat(database).as("GB-hours of a database of its own, " + rows).isBetween(0.002, 0.05);
        assertThat(schema).as("GB-hours of a schema of its own").isGreaterThan(0).isLessThan(database);
        // a shared pool's tenant: its share of the pool's table, at least the 60,000 bytes of its rows for an hour
        double many = gbHours.getOrDefault("u-shared-many", 0.0);
        double one = gbHours.getOrDefault("u-shared-one", 0.0);
        assertThat(many).as("GB-hours of forty notes in the shared pool, " + rows).isBetween(0.9 * 40 * 1500 / 1e9, 0.002);
        assertThat(one).as("GB-hours of one short note in the shared pool").isGreaterThan(0).isLessThan(many / 20);
    }

    private static void create(String tenant, String name, String plan) {
        TestPlane.Reply r = plane.post("/v1/tenants/" + tenant + "/instances", Map.of("name", name, "service", "notes", "plan", plan));
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        plane.awaitPhase(tenant, name, "RUNNING");
    }

    private static JsonNode backUp(String tenant, String name) {
        TestPlane.Reply r = plane.post("/v1/tenants/" + tenant + "/instances/" + name + "/backups", null);
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        JsonNode op = plane.awaitOperation(r.json().path("operation").asText());
        assertThat(op.path("state").asText()).as(op.toString()).isEqualTo("SUCCEEDED");
        JsonNode backup = plane.get("/v1/tenants/" + tenant + "/instances/" + name + "/backups/" + r.json().path("id").asText()).json();
        assertThat(backup.path("state").asText()).isEqualTo("succeeded");
        return backup;
    }

    private static JsonNode backups(String tenant, String name) {
        return plane.get("/v1/tenants/" + tenant + "/instances/" + name + "/backups").json().path("items");
    }

    private static JsonNode awaitOperation(TestPlane.Reply accepted) {
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        return plane.awaitOperation(accepted.json().path("operation").path("id").asText());
    }

    private static Path backupFile(String id) {
        return plane.home.resolve("backups").resolve(id + ".backup");
    }

    private static String host(String tenant, String name) {
        return name + "." + tenant + ".localhost";
    }

    private static JsonNode addNote(String tenant, String name, String body) {
        TestPlane.Reply r = plane.postViaGateway(host(tenant, name), "/notes", body, "text/plain");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json();
    }

    private static List<String> bodies(String tenant, String name) {
        TestPlane.Reply r = plane.viaGateway(host(tenant, name), "/notes");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().findValuesAsText("body");
    }
}
