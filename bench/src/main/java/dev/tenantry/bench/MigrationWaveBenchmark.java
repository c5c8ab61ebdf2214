package dev.tenantry.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantry.agent.driver.DriverSettings;
import dev.tenantry.api.Json;
import dev.tenantry.app.DevMode;
import dev.tenantry.api.blueprint.Migration;
import dev.tenantry.api.model.DatabaseIsolation;
import dev.tenantry.server.domain.ApiLimits;
import dev.tenantry.server.tenantdb.ServerAccess;
import dev.tenantry.server.tenantdb.TenantDatabase;
import dev.tenantry.server.tenantdb.TenantMigrations;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A rollout's migrations through the whole control plane: N instances on plan {@code schema} (a schema each on dev mode's
 * tenant-data PostgreSQL, 1000 rows each), whose workload is a process that only sleeps (so that the measure is the
 * migrations and the reconcile, not a web app's start), upgraded by one rollout (one wave, bake 0) to a release whose
 * migration adds a column and builds an index, at {@code maxParallel} 10 and then 20. Prints each rollout's wall time.
 */
public final class MigrationWaveBenchmark {
    private static final String TENANT = "wave";
    private static final String SERVICE = "ledger";

    public static void main(String[] args) throws Exception {
        int instances = Integer.parseInt(args[0]);
        Path home = BenchPlane.temporaryHome("tenantry-bench-wave-");
        try (DevMode dev = DevMode.start(new DevMode.Options(home, null, null, null, "127.0.0.1", 0, 0, 1000, DriverSettings.DEFAULT)
                .withApiLimits(ApiLimits.UNLIMITED).withTenantData(true))) {
            BenchPlane plane = new BenchPlane(dev);
            System.out.printf("machine: %d cores; %d instances, a schema each (1000 rows), on dev mode's tenant-data PostgreSQL; 20 database workers%n",
                    Runtime.getRuntime().availableProcessors(), instances);
            plane.post("/v1/services", Map.of("name", SERVICE));
            release(plane, "1", List.of(migration("1", "create entries", "create table entries (id bigserial primary key, body text not null,"
                    + " created_at timestamptz not null default now()); insert into entries (body) select md5(g::text) from generate_series(1, 1000) g;")));
            plane.post("/v1/services/" + SERVICE + "/plans", Map.of("name", "schema", "database", Map.of("isolation", "schema")));
            plane.post("/v1/tenants", Map.of("id", TENANT));
            long start = System.nanoTime();
            List<String> operations = new ArrayList<>();
            for (int i = 0; i < instances; i++) {
                JsonNode accepted = Json.MAPPER.readTree(plane.post("/v1/tenants/" + TENANT + "/instances",
                        Map.of("name", "l-" + i, "service", SERVICE, "plan", "schema", "release", "1")).body());
                operations.add(accepted.path("operation").path("id").asText());
            }
            for (String op : operations) plane.awaitSucceeded(op);
            System.out.printf("provisioned %d instances with their schemas in %.1f s%n", instances, (System.nanoTime() - start) / 1e9);
            List<Object> migrations = new ArrayList<>(List.of(migration("1", "create entries", "create table entries (id bigserial primary key,"
                    + " body text not null, created_at timestamptz not null default now()); insert into entries (body) select md5(g::text) from generate_series(1, 1000) g;")));
            int version = 2;
            for (int parallel : List.of(10, 20)) {
                migrations.add(migration(String.valueOf(version), "expand " + version, "alter table entries add column tag" + version
                        + " text; create index on entries (created_at, id);"));
                release(plane, String.valueOf(version), migrations);
                long t = System.nanoTime();
                HttpResponse<String> created = plane.post("/v1/rollouts", Map.of("service", SERVICE, "release", String.valueOf(version),
                        "strategy", Map.of("bakeSeconds", 0, "maxParallel", parallel)));
                if (created.statusCode() != 201) throw new IllegalStateException("rollout: " + created.body());
                String id = Json.MAPPER.readTree(created.body()).path("id").asText();
                String state;
                while (!(state = plane.get("/v1/rollouts/" + id).path("state").asText()).equals("SUCCEEDED")) {
                    if (state.equals("HALTED") || state.equals("ABORTED")) throw new IllegalStateException("rollout " + id + " " + state);
                    Thread.sleep(100);
                }
                double seconds = (System.nanoTime() - t) / 1e9;
                System.out.printf("rollout to release %d (migration: add a column, build an index) over %d tenant schemas, maxParallel %d: %.1f s"
                        + " (%.0f ms per tenant)%n", version, instances, parallel, seconds, seconds * 1000 / instances);
                version++;
            }
            migrationsAlone(plane, home, instances, migrations, version);
        }
    }

    /**
     * The same migrations as the database workers run them, without the rest of an upgrade (render, publish, the agent's
     * apply, the rollout's pacing): each tenant's schema migrated by a pool of 10, then of 20 threads.
     */
    private static void migrationsAlone(BenchPlane plane, Path home, int instances, List<Object> migrations, int firstVersion) throws Exception {
        JsonNode server = plane.get("/v1/database-servers/local");
        ServerAccess access = new ServerAccess(server.path("host").asText(), server.path("port").asInt(), server.path("adminUser").asText(),
                java.nio.file.Files.readString(home.resolve("tenant-data/pgdata.password")).strip());
        List<TenantDatabase.Location> tenants = new ArrayList<>();
        for (int i = 0; i < instances; i++) {
            JsonNode db = plane.get("/v1/tenants/" + TENANT + "/instances/l-" + i + "/database");
            tenants.add(new TenantDatabase.Location(DatabaseIsolation.schema, "local", db.path("database").asText(), db.path("schema").asText(),
                    db.path("schema").asText()));
        }
        List<Migration> all = new ArrayList<>(migrations.stream().map(m -> Json.MAPPER.convertValue(m, Migration.class)).toList());
        int version = firstVersion;
        for (int threads : List.of(10, 20)) {
            all.add(new Migration(String.valueOf(version), "expand " + version, "alter table entries add column tag" + version
                    + " text; create index on entries (created_at, id);"));
            List<Migration> release = List.copyOf(all);
            long t = System.nanoTime();
            try (var pool = java.util.concurrent.Executors.newFixedThreadPool(threads)) {
                List<java.util.concurrent.Future<?>> done = new ArrayList<>();
                for (TenantDatabase.Location l : tenants) done.add(pool.submit(() -> TenantMigrations.migrate(access, l, release)));
                for (var f : done) f.get();
            }
            double seconds = (System.nanoTime() - t) / 1e9;
            System.out.printf("the migrations alone (Flyway per tenant schema, the database workers' part) over %d tenant schemas, %d at a time:"
                    + " %.1f s (%.0f ms per tenant)%n", instances, threads, seconds, seconds * 1000 / instances);
            version++;
        }
    }

    private static Map<String, String> migration(String version, String description, String sql) {
        return Map.of("version", version, "description", description, "sql", sql);
    }

    private static void release(BenchPlane plane, String version, List<?> migrations) throws Exception {
        Map<String, Object> blueprint = Map.of("components", List.of(Map.of("name", "worker", "command", List.of("/bin/sleep", "1000000"),
                "resources", Map.of("memoryMb", 16, "cpuMillis", 10))), "database", Map.of("engine", "postgres", "migrations", migrations));
        HttpResponse<String> r = plane.post("/v1/services/" + SERVICE + "/releases", Map.of("version", version, "blueprint", blueprint));
        if (r.statusCode() != 201) throw new IllegalStateException("release " + version + ": " + r.body());
    }
}
