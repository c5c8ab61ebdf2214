package dev.tenantry.bench;

import dev.tenantry.server.domain.ApiLimits;
import com.fasterxml.jackson.databind.JsonNode;
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
 * Failed requests during changes: N instances (two replicas each) under constant load through the gateway (one
 * client per instance, a request every {@code bench.intervalMs} ms), while every instance is updated (a new
 * parameter: each replica replaced), then restarted (rolling), then scaled to three replicas and back to two.
 * Prints the requests answered and every request that was not a 200, per phase.
 */
public final class ChangesUnderLoadBenchmark {
    private static final String TENANT = "load";
    private static final long INTERVAL_MS = Long.getLong("bench.intervalMs", 10);

    private final BenchPlane plane;
    private final int instances;
    private final AtomicLong ok = new AtomicLong();
    private final Map<String, AtomicLong> failures = new ConcurrentHashMap<>();
    private volatile boolean loading = true;

    private ChangesUnderLoadBenchmark(BenchPlane plane, int instances) {
        this.plane = plane;
        this.instances = instances;
    }

    public static void main(String[] args) throws Exception {
        int instances = Integer.parseInt(args[0]);
        Path home = BenchPlane.temporaryHome("tenantry-bench-load-");
        try (DevMode dev = DevMode.start(new DevMode.Options(home, null, null, null, "127.0.0.1", 0, 0, 1000, DriverSettings.DEFAULT).withApiLimits(ApiLimits.UNLIMITED))) {
            ChangesUnderLoadBenchmark bench = new ChangesUnderLoadBenchmark(new BenchPlane(dev), instances);
            System.out.printf("machine: %d cores; %d instances of hello with 2 replicas; one client per instance, a request every %d ms%n",
                    Runtime.getRuntime().availableProcessors(), instances, INTERVAL_MS);
            bench.provision();
            List<Thread> clients = new ArrayList<>();
            for (int i = 0; i < instances; i++) clients.add(bench.client(i));
            Thread.sleep(2000);
            bench.phase("update (new parameter)", i -> bench.change("PATCH", i, "", Map.of("parameters", Map.of("greeting", "Hola"))));
            bench.phase("rolling restart", i -> bench.change("POST", i, "/restart", null));
            bench.phase("scale 2 -> 3", i -> bench.change("POST", i, "/scale", Map.of("replicas", 3)));
            bench.phase("scale 3 -> 2", i -> bench.change("POST", i, "/scale", Map.of("replicas", 2)));
            bench.loading = false;
            for (Thread t : clients) t.join();
        }
    }

    interface Change {
        String start(int i) throws Exception;
    }

    /** Starts the change on every instance at once, waits for all operations, and prints what the clients saw meanwhile. */
    private void phase(String name, Change change) throws Exception {
        long okBefore = ok.get();
        failures.clear();
        long started = System.nanoTime();
        List<String> operations = new ArrayList<>();
        for (int i = 0; i < instances; i++) operations.add(change.start(i));
        for (String op : operations) plane.awaitSucceeded(op);
        long failed = failures.values().stream().mapToLong(AtomicLong::get).sum();
        System.out.printf("%-24s %5.1f s: %6d requests answered 200, %d failed %s%n", name, (System.nanoTime() - started) / 1e9,
                ok.get() - okBefore, failed, failed == 0 ? "" : failures);
    }

    private String change(String method, int i, String action, Object body) throws Exception {
        HttpRequest request = plane.request("/v1/tenants/" + TENANT + "/instances/w-" + i + action)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(Json.write(body))).build();
        HttpResponse<String> r = BenchPlane.HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 202) throw new IllegalStateException(method + " " + action + " of w-" + i + ": HTTP " + r.statusCode() + " " + r.body());
        return Json.MAPPER.readTree(r.body()).path("operation").path("id").asText();
    }

    private void provision() throws Exception {
        plane.post("/v1/tenants", Map.of("id", TENANT));
        List<String> operations = new ArrayList<>();
        for (int i = 0; i < instances; i++) {
            JsonNode accepted = Json.MAPPER.readTree(plane.post("/v1/tenants/" + TENANT + "/instances",
                    Map.of("name", "w-" + i, "service", "hello", "plan", "starter")).body());
            operations.add(accepted.path("operation").path("id").asText());
        }
        for (String op : operations) plane.awaitSucceeded(op);
        operations.clear();
        for (int i = 0; i < instances; i++) operations.add(change("POST", i, "/scale", Map.of("replicas", 2)));
        for (String op : operations) plane.awaitSucceeded(op);
    }

    /** One client: a request to the instance through the gateway every interval, on its own keep-alive connection. */
    private Thread client(int i) {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(plane.gatewayRoot().toString())).header("Host", "w-" + i + "." + TENANT + ".localhost")
                .timeout(Duration.ofSeconds(10)).GET().build();
        return Thread.ofPlatform().name("load-" + i).start(() -> {
            while (loading) {
                try {
                    HttpResponse<Void> r = http.send(request, HttpResponse.BodyHandlers.discarding());
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
