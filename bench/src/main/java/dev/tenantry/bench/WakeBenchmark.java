package dev.tenantry.bench;

import dev.tenantry.server.domain.ApiLimits;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantry.agent.driver.DriverSettings;
import dev.tenantry.app.DevMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Wake from hibernation through the whole product beside the workload's own start, on the same machine in the
 * same run:
 * <ul>
 *   <li><b>bare</b>: the example workload's exact command launched directly, until its first page (start-to-first-page);</li>
 *   <li><b>wake</b>: one request through the gateway to a hibernated instance, which the gateway holds while the
 *       agent wakes it, until its 200 (first-request latency).</li>
 * </ul>
 * The overhead is wake minus bare, at p50 and p99, one at a time and N instances at once.
 */
public final class WakeBenchmark {
    private static final String TENANT = "wake";
    private static final int WARM_UP_ROUNDS = Integer.getInteger("bench.warmUpRounds", 3);

    private final BenchPlane plane;
    private final int instances;

    private WakeBenchmark(BenchPlane plane, int instances) {
        this.plane = plane;
        this.instances = instances;
    }

    public static void main(String[] args) throws Exception {
        int rounds = Integer.parseInt(args[0]);
        int instances = Integer.parseInt(args[1]);
        Path home = BenchPlane.temporaryHome("tenantry-bench-wake-");
        try (DevMode dev = DevMode.start(new DevMode.Options(home, null, null, null, "127.0.0.1", 0, 0, 1000, DriverSettings.DEFAULT).withApiLimits(ApiLimits.UNLIMITED))) {
            WakeBenchmark bench = new WakeBenchmark(new BenchPlane(dev), instances);
            System.out.printf("machine: %d cores; example workload: hello (JVM); %d instances; %d rounds one at a time, then all at once%n",
                    Runtime.getRuntime().availableProcessors(), instances, rounds);
            bench.provisionAll();
            for (int r = 0; r < WARM_UP_ROUNDS; r++) {
                bench.hibernateAll();
                BenchPlane.concurrently(instances, bench::firstRequest);
            }
            List<Long> bare1 = new ArrayList<>();
            List<Long> wake1 = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                for (int i = 0; i < instances; i++) {
                    bare1.add(bench.plane.bareStart());
                    bench.plane.stopBareStarts();
                    bench.hibernate(i);
                    wake1.add(bench.firstRequest(i));
                }
            }
            BenchPlane.report("1 at a time", "bare start-to-first-page", bare1, "wake first request", wake1);
            bench.hibernateAll();
            List<Long> bareN = BenchPlane.concurrently(instances, i -> bench.plane.bareStart());
            bench.plane.stopBareStarts();
            List<Long> wakeN = BenchPlane.concurrently(instances, bench::firstRequest);
            BenchPlane.report(instances + " at once", "bare start-to-first-page", bareN, "wake first request", wakeN);
        }
    }

    private static String name(int i) {
        return "w-" + i;
    }

    private void provisionAll() throws Exception {
        plane.post("/v1/tenants", Map.of("id", TENANT));
        for (int i = 0; i < instances; i++) {
            plane.post("/v1/tenants/" + TENANT + "/instances", Map.of("name", name(i), "service", "hello", "plan", "starter"));
        }
        for (int i = 0; i < instances; i++) awaitSettled(i);
    }

    private void hibernateAll() throws Exception {
        for (int i = 0; i < instances; i++) hibernate(i);
    }

    /** Hibernates the instance and waits until its replicas are stopped. */
    private void hibernate(int i) throws Exception {
        awaitSettled(i);
        JsonNode accepted = dev.tenantry.api.Json.MAPPER.readTree(plane.post("/v1/tenants/" + TENANT + "/instances/" + name(i) + "/hibernate", null).body());
        plane.awaitSucceeded(accepted.path("operation").path("id").asText());
    }

    /** Milliseconds from sending one request to the hibernated instance through the gateway to its 200. */
    private long firstRequest(int i) throws Exception {
        long start = System.nanoTime();
        BenchPlane.awaitOk(plane.gatewayRoot(), name(i) + "." + TENANT + ".localhost");
        return (System.nanoTime() - start) / 1_000_000;
    }

    /** Waits until the instance runs and its last operation (a create, or the server following a wake) is done. */
    private void awaitSettled(int i) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode instance = plane.get("/v1/tenants/" + TENANT + "/instances/" + name(i));
            String op = instance.path("lastOperation").asText();
            if (instance.path("status").path("phase").asText().equals("RUNNING")
                    && plane.get("/v1/operations/" + op).path("state").asText().equals("SUCCEEDED")) {
                return;
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException(name(i) + " did not settle within 120 s");
    }
}
