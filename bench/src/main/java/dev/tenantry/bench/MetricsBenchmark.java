package dev.tenantry.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantry.agent.driver.DriverSettings;
import dev.tenantry.api.Json;
import dev.tenantry.app.DevMode;
import dev.tenantry.server.domain.ApiLimits;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What metrics cost: a scrape of dev mode's {@code /metrics} (server, fleet queries, and every instance's series with
 * their /proc reads) with N instances (a sleeping process each) and one example web instance; and the example's
 * requests through the gateway, sequentially, without a scraper and with one scraping every 200 ms (25 times faster
 * than a usual 5 s interval), alternating blocks so that both see the same machine.
 */
public final class MetricsBenchmark {
    public static void main(String[] args) throws Exception {
        int instances = Integer.parseInt(args[0]);
        int requests = Integer.parseInt(args[1]);
        Path home = BenchPlane.temporaryHome("tenantry-bench-metrics-");
        try (DevMode dev = DevMode.start(new DevMode.Options(home, null, null, null, "127.0.0.1", 0, 0, 1000, DriverSettings.DEFAULT)
                .withApiLimits(ApiLimits.UNLIMITED))) {
            BenchPlane plane = new BenchPlane(dev);
            System.out.printf("machine: %d cores; %d sleeping instances and one web instance on dev mode%n", Runtime.getRuntime().availableProcessors(), instances);
            plane.post("/v1/tenants", Map.of("id", "m"));
            plane.post("/v1/services", Map.of("name", "idle"));
            plane.post("/v1/services/idle/releases", Map.of("version", "1", "blueprint", Map.of("components", List.of(Map.of("name", "worker",
                    "command", List.of("/bin/sleep", "1000000"), "resources", Map.of("memoryMb", 16, "cpuMillis", 10))))));
            plane.post("/v1/services/idle/plans", Map.of("name", "small"));
            List<String> operations = new ArrayList<>();
            for (int i = 0; i < instances; i++) {
                operations.add(Json.MAPPER.readTree(plane.post("/v1/tenants/m/instances", Map.of("name", "i-" + i, "service", "idle", "plan", "small"))
                        .body()).path("operation").path("id").asText());
            }
            JsonNode web = Json.MAPPER.readTree(plane.post("/v1/tenants/m/instances", Map.of("name", "web", "service", "hello", "plan", "starter")).body());
            operations.add(web.path("operation").path("id").asText());
            for (String op : operations) plane.awaitSucceeded(op);

            List<Long> scrapes = new ArrayList<>();
            int bytes = 0;
            long lines = 0;
            for (int i = 0; i < 40; i++) {
                long t = System.nanoTime();
                String body = scrape(plane);
                if (i >= 10) scrapes.add(System.nanoTime() - t);
                bytes = body.length();
                lines = body.lines().filter(l -> !l.startsWith("#")).count();
            }
            System.out.printf("scrape of /metrics: p50 %.1f ms, p90 %.1f ms; %d KiB, %d samples (%d instances)%n", BenchPlane.percentile(scrapes, 50) / 1e6,
                    BenchPlane.percentile(scrapes, 90) / 1e6, bytes / 1024, lines, instances + 1);

            HttpRequest page = HttpRequest.newBuilder(plane.gatewayRoot()).header("Host", "web.m.localhost").build();
            for (int i = 0; i < 500; i++) BenchPlane.HTTP.send(page, HttpResponse.BodyHandlers.discarding());
            List<Long> quiet = new ArrayList<>();
            List<Long> scraped = new ArrayList<>();
            for (int block = 0; block < requests / 100; block++) {
                AtomicBoolean scraping = new AtomicBoolean(block % 2 == 1);
                Thread scraper = Thread.ofPlatform().start(() -> {
                    while (scraping.get()) {
                        try {
                            scrape(plane);
                            Thread.sleep(200);
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }
                });
                List<Long> into = block % 2 == 1 ? scraped : quiet;
                for (int i = 0; i < 100; i++) {
                    long t = System.nanoTime();
                    HttpResponse<Void> r = BenchPlane.HTTP.send(page, HttpResponse.BodyHandlers.discarding());
                    if (r.statusCode() != 200) throw new IllegalStateException("HTTP " + r.statusCode());
                    into.add(System.nanoTime() - t);
                }
                scraping.set(false);
                scraper.join();
            }
            System.out.printf("requests through the gateway: without scrapes p50 %.2f ms p99 %.2f ms; scraped every 200 ms p50 %.2f ms p99 %.2f ms"
                            + " (p50 ratio %.2f×, n=%d each)%n", BenchPlane.percentile(quiet, 50) / 1e6, BenchPlane.percentile(quiet, 99) / 1e6,
                    BenchPlane.percentile(scraped, 50) / 1e6, BenchPlane.percentile(scraped, 99) / 1e6,
                    (double) BenchPlane.percentile(scraped, 50) / BenchPlane.percentile(quiet, 50), quiet.size());
        }
    }

    private static String scrape(BenchPlane plane) throws Exception {
        HttpResponse<String> r = BenchPlane.HTTP.send(plane.request("/metrics").GET().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) throw new IllegalStateException("HTTP " + r.statusCode());
        return r.body();
    }
}
