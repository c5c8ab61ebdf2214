package dev.tenantry.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantry.agent.driver.DriverSettings;
import dev.tenantry.api.Json;
import dev.tenantry.app.DevMode;
import dev.tenantry.server.domain.ApiLimits;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a dedicated database costs next to a database on a shared server, through the whole control plane: N instances
 * created one after the other on plan {@code database} (a database each on dev mode's tenant-data PostgreSQL), then N on
 * plan {@code dedicated} (a PostgreSQL server each, initdb and start by the agent), each timed from its create request
 * to its operation's success; its workload a process that only sleeps, so that the figure is the database's. Then the
 * memory the dedicated servers take (proportional set size of each server's processes, shared pages split).
 */
public final class DedicatedDatabaseBenchmark {
    private static final String TENANT = "own";
    private static final String SERVICE = "ledger";

    public static void main(String[] args) throws Exception {
        int instances = Integer.parseInt(args[0]);
        Path home = BenchPlane.temporaryHome("tenantry-bench-dedicated-");
        try (DevMode dev = DevMode.start(new DevMode.Options(home, null, null, null, "127.0.0.1", 0, 0, 1000, DriverSettings.DEFAULT)
                .withApiLimits(ApiLimits.UNLIMITED).withTenantData(true))) {
            BenchPlane plane = new BenchPlane(dev);
            System.out.printf("machine: %d cores; %d instances per model, one at a time, on dev mode%n", Runtime.getRuntime().availableProcessors(), instances);
            plane.post("/v1/services", Map.of("name", SERVICE));
            Map<String, Object> blueprint = Map.of("components", List.of(Map.of("name", "worker", "command", List.of("/bin/sleep", "1000000"),
                    "resources", Map.of("memoryMb", 16, "cpuMillis", 10))), "database", Map.of("engine", "postgres", "migrations",
                    List.of(Map.of("version", "1", "description", "create entries", "sql", "create table entries (id bigserial primary key, body text);"))));
            check(plane.post("/v1/services/" + SERVICE + "/releases", Map.of("version", "1", "blueprint", blueprint)), 201);
            plane.post("/v1/tenants", Map.of("id", TENANT));
            for (String model : List.of("database", "dedicated")) {
                check(plane.post("/v1/services/" + SERVICE + "/plans", Map.of("name", model, "database", Map.of("isolation", model))), 201);
                List<Long> nanos = new ArrayList<>();
                for (int i = 0; i < instances; i++) {
                    long t = System.nanoTime();
                    HttpResponse<String> created = check(plane.post("/v1/tenants/" + TENANT + "/instances",
                            Map.of("name", model + "-" + i, "service", SERVICE, "plan", model, "release", "1")), 202);
                    plane.awaitSucceeded(Json.MAPPER.readTree(created.body()).path("operation").path("id").asText());
                    nanos.add(System.nanoTime() - t);
                }
                System.out.printf("create to running, %s model: p50 %d ms, p90 %d ms, max %d ms%n", model, BenchPlane.percentile(nanos, 50) / 1_000_000,
                        BenchPlane.percentile(nanos, 90) / 1_000_000, BenchPlane.percentile(nanos, 100) / 1_000_000);
            }
            List<Long> pss = dedicatedServersPss(home);
            System.out.printf("memory of each dedicated server (its postmaster and processes, idle, after a migration): p50 %d MiB, max %d MiB"
                    + " over %d servers%n", BenchPlane.percentile(pss, 50) / 1024, BenchPlane.percentile(pss, 100) / 1024, pss.size());
            long dataKb = 0;
            try (var dirs = Files.list(home.resolve("cells/local/instances"))) {
                for (Path dir : dirs.filter(d -> d.getFileName().toString().startsWith("pg-")).toList()) dataKb += sizeKb(dir.resolve("data"));
            }
            System.out.printf("data directory of a dedicated server: %d MiB on average%n", dataKb / 1024 / Math.max(1, pss.size()));
        }
    }

    /** Per dedicated server: the proportional set size (KiB) of its postmaster and all its processes. */
    private static List<Long> dedicatedServersPss(Path home) throws Exception {
        String instances = home.resolve("cells/local/instances").toString();
        List<Long> sizes = new ArrayList<>();
        for (ProcessHandle p : ProcessHandle.allProcesses().toList()) {
            String cmdline = commandLine(p.pid());
            if (!cmdline.contains("postgres") || !cmdline.contains(instances + "/pg-") || !cmdline.contains("-D")) continue;
            long kb = pss(p.pid());
            for (ProcessHandle child : p.descendants().toList()) kb += pss(child.pid());
            sizes.add(kb);
        }
        return sizes;
    }

    private static String commandLine(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", String.valueOf(pid), "cmdline"))).replace('\0', ' ');
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private static long pss(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "smaps_rollup"))) {
                if (line.startsWith("Pss:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        } catch (java.io.IOException e) {
            return 0;
        }
        return 0;
    }

    private static long sizeKb(Path dir) throws java.io.IOException {
        try (var files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum() / 1024;
        }
    }

    private static HttpResponse<String> check(HttpResponse<String> r, int status) {
        if (r.statusCode() != status) throw new IllegalStateException("HTTP " + r.statusCode() + ": " + r.body());
        return r;
    }
}
