package dev.tenantry.bench;

import dev.tenantry.server.domain.ApiLimits;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantry.agent.driver.DriverSettings;
import dev.tenantry.api.Json;
import dev.tenantry.app.DevMode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fleet upgrade: N instances of the example (one replica each) move to a new release through one rollout (a canary
 * of 2, then waves of 10, 50 and 100 %, bake time 0, {@code maxParallel} upgrades at a time) while clients send
 * requests through the gateway to every instance in turn. Prints the wall time of the rollout, each wave's end, and
 * every request that was not a 200; then rolls the rollout back at once and prints the same, and how many instances
 * flipped back to their warm old replica (the same process, no start) rather than starting a new one.
 */
public final class FleetUpgradeBenchmark {
    private static final String TENANT = "fleet";
    private static final int CLIENTS = Integer.getInteger("bench.clients", 8);
    private static final long INTERVAL_MS = Long.getLong("bench.intervalMs", 10);

    private final BenchPlane plane;
    private final int instances;
    private final AtomicLong ok = new AtomicLong();
    private final Map<String, AtomicLong> failures = new ConcurrentHashMap<>();
    /** Every answered request: when it was sent and how long its answer took (ns). */
    private final List<long[]> answers = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    private volatile boolean loading = true;

    private FleetUpgradeBenchmark(BenchPlane plane, int instances) {
        this.plane = plane;
        this.instances = instances;
    }

    public static void main(String[] args) throws Exception {
        int instances = Integer.parseInt(args[0]);
        int maxParallel = Integer.parseInt(args[1]);
        Path home = BenchPlane.temporaryHome("tenantry-bench-fleet-");
        // stopped also when the benchmark is killed by a signal: its replicas are real processes
        // -Dbench.startConcurrency=N: the agent's --start-concurrency (default: one per core)
        DriverSettings driver = DriverSettings.DEFAULT.withStartConcurrency(Integer.getInteger("bench.startConcurrency"));
        DevMode dev = DevMode.start(new DevMode.Options(home, null, null, null, "127.0.0.1", 0, 0, 1000, driver)
                .withApiLimits(ApiLimits.UNLIMITED));
        try (AutoCloseable stop = BenchPlane.closedOnExit(BenchPlane.once(dev))) {
            FleetUpgradeBenchmark bench = new FleetUpgradeBenchmark(new BenchPlane(dev), instances);
            System.out.printf("machine: %d cores; %d instances of hello, 1 replica each; %d clients, each a request every %d ms to the"
                    + " instances in turn; maxParallel %d, bake 0%n", Runtime.getRuntime().availableProcessors(), instances, CLIENTS, INTERVAL_MS,
                    maxParallel);
            long provisioning = System.nanoTime();
            bench.provision();
            System.out.printf("provisioned %d instances in %.1f s%n", instances, (System.nanoTime() - provisioning) / 1e9);
            String release = bench.newRelease();
            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) clients.add(bench.client(c));
            Thread.sleep(3000);
            bench.failures.clear();
            String rollout = bench.upgrade(release, maxParallel);
            bench.failures.clear();
            bench.rollBack(rollout);
            bench.loading = false;
            for (Thread t : clients) t.join();
        }
    }

    private void provision() throws Exception {
        plane.post("/v1/tenants", Map.of("id", TENANT));
        List<String> operations = new ArrayList<>();
        for (int i = 0; i < instances; i++) {
            JsonNode accepted = Json.MAPPER.readTree(plane.post("/v1/tenants/" + TENANT + "/instances",
                    Map.of("name", "f-" + i, "service", "hello", "plan", "starter")).body());
            operations.add(accepted.path("operation").path("id").asText());
        }
        for (String op : operations) plane.awaitSucceeded(op);
    }

    /** Release 2.0.0 of hello: the current blueprint with another greeting, so that every replica is replaced. */
    private String newRelease() throws Exception {
        JsonNode blueprint = plane.get("/v1/services/hello/releases").path("items").get(0).path("blueprint");
        ((ObjectNode) blueprint.path("components").get(0).path("env")).put("GREETING", "{{params.greeting}} again");
        HttpResponse<String> created = plane.post("/v1/services/hello/releases", Map.of("version", "2.0.0", "blueprint", blueprint));
        if (created.statusCode() != 201) throw new IllegalStateException("release 2.0.0: " + created.body());
        return "2.0.0";
    }

    private String upgrade(String release, int maxParallel) throws Exception {
        long okBefore = ok.get();
        long started = System.nanoTime();
        HttpResponse<String> created = plane.post("/v1/rollouts", Map.of("service", "hello", "release", release,
                "strategy", Map.of("canaryCount", 2, "waves", List.of(10, 50, 100), "bakeSeconds", 0, "maxParallel", maxParallel)));
        if (created.statusCode() != 201) throw new IllegalStateException("rollout: " + created.body());
        String id = Json.MAPPER.readTree(created.body()).path("id").asText();
        int wave = -1;
        while (true) {
            JsonNode r = plane.get("/v1/rollouts/" + id);
            if (r.path("currentWave").asInt() != wave) {
                if (wave >= 0) System.out.printf("  wave %d done after %.1f s%n", wave, (System.nanoTime() - started) / 1e9);
                wave = r.path("currentWave").asInt();
            }
            String state = r.path("state").asText();
            if (state.equals("SUCCEEDED")) break;
            if (!state.equals("RUNNING")) throw new IllegalStateException("rollout " + state + ": " + r.path("reason").asText());
            Thread.sleep(100);
        }
        double wall = (System.nanoTime() - started) / 1e9;
        System.out.printf("  wave %d done after %.1f s%n", wave, wall);
        long failed = failures.values().stream().mapToLong(AtomicLong::get).sum();
        System.out.printf("fleet upgrade of %d instances: %.1f s wall time; %d requests answered 200 during it (%s), %d failed %s%n", instances, wall,
                ok.get() - okBefore, latencies(started), failed, failed == 0 ? "" : failures);
        return id;
    }

    /** Rolls the whole rollout back and counts the instances that got their warm replica back instead of a new process. */
    private void rollBack(String id) throws Exception {
        Map<String, Long> warmPids = pids(true);
        long okBefore = ok.get();
        long started = System.nanoTime();
        HttpResponse<String> reverting = plane.post("/v1/rollouts/" + id + "/rollback", Map.of());
        if (reverting.statusCode() != 200) throw new IllegalStateException("rollback: " + reverting.body());
        while (!plane.get("/v1/rollouts/" + id).path("state").asText().equals("ROLLED_BACK")) Thread.sleep(100);
        double wall = (System.nanoTime() - started) / 1e9;
        Map<String, Long> serving = pids(false);
        long rewarmed = serving.entrySet().stream().filter(e -> e.getValue().equals(warmPids.get(e.getKey()))).count();
        long failed = failures.values().stream().mapToLong(AtomicLong::get).sum();
        System.out.printf("rollback of %d instances: %.1f s wall time; %d flipped back to their warm replica, %d started anew; %d requests"
                + " answered 200 during it (%s), %d failed %s%n", instances, wall, rewarmed, instances - rewarmed, ok.get() - okBefore,
                latencies(started), failed, failed == 0 ? "" : failures);
    }

    /** p50 and p99 of the answers to the requests sent since {@code since} (System.nanoTime). */
    private String latencies(long since) {
        List<Long> ms;
        synchronized (answers) {
            ms = answers.stream().filter(a -> a[0] >= since).map(a -> a[1] / 1_000_000).toList();
        }
        return "answer p50 " + BenchPlane.percentile(ms, 50) + " ms, p99 " + BenchPlane.percentile(ms, 99) + " ms";
    }

    /** The pid of each instance's warm (standby) or serving replica, by instance name. */
    private Map<String, Long> pids(boolean standby) throws Exception {
        Map<String, Long> pids = new java.util.HashMap<>();
        String cursor = null;
        do {
            JsonNode page = plane.get("/v1/tenants/" + TENANT + "/instances?limit=100" + (cursor == null ? "" : "&cursor=" + cursor));
            page.path("items").forEach(i -> i.path("status").path("replicas").forEach(r -> {
                if (r.path("standby").asBoolean() == standby) pids.put(i.path("name").asText(), r.path("pid").asLong());
            }));
            cursor = page.hasNonNull("nextCursor") ? page.path("nextCursor").asText() : null;
        } while (cursor != null);
        return pids;
    }

    /** One client: a request every interval, each to the next of its share of the instances, on one keep-alive connection. */
    private Thread client(int c) {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        URI root = plane.gatewayRoot();
        return Thread.ofPlatform().name("load-" + c).start(() -> {
            for (int i = c; loading; i = (i + CLIENTS) % instances) {
                HttpRequest request = HttpRequest.newBuilder(root).header("Host", "f-" + i + "." + TENANT + ".localhost")
                        .timeout(Duration.ofSeconds(10)).GET().build();
                try {
                    long sent = System.nanoTime();
                    HttpResponse<Void> r = http.send(request, HttpResponse.BodyHandlers.discarding());
                    answers.add(new long[] {sent, System.nanoTime() - sent});
                    if (r.statusCode() == 200) ok.incrementAndGet();
                    else failures.computeIfAbsent("HTTP " + r.statusCode(), k -> new AtomicLong()).incrementAndGet();
                } catch (Exception e) {
                    failures.computeIfAbsent(e.getClass().getSimpleName(), k -> new AtomicLong()).incrementAndGet();
                }
                try {
                    Thread.sleep(INTERVAL_MS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }
}
