package dev.tenantry.bench;

import com.sun.net.httpserver.HttpServer;
import dev.tenantry.agent.driver.DriverSettings;
import dev.tenantry.api.Json;
import dev.tenantry.app.DevMode;
import dev.tenantry.server.domain.ApiLimits;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What webhook delivery costs the server: N events (tenant label changes through the API) without a subscription,
 * then N with one subscription posting each to a local receiver (in this JVM, answering 204 without checking), and the
 * CPU of both runs (this JVM and PostgreSQL), so that the difference is the delivery's. Also how fast a backlog of N
 * events drains once its receiver comes up.
 */
public final class WebhookBenchmark {
    public static void main(String[] args) throws Exception {
        int events = Integer.parseInt(args[0]);
        if (events < 100) throw new IllegalArgumentException("usage: run-webhooks.sh EVENTS (at least 100)");
        Path home = BenchPlane.temporaryHome("tenantry-bench-webhooks-");
        AtomicLong received = new AtomicLong();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", ex -> {
            ex.getRequestBody().readAllBytes();
            received.incrementAndGet();
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        try (DevMode dev = DevMode.start(new DevMode.Options(home, null, null, null, "127.0.0.1", 0, 0, 10, DriverSettings.DEFAULT)
                .withApiLimits(ApiLimits.UNLIMITED))) {
            BenchPlane plane = new BenchPlane(dev);
            System.out.printf("machine: %d cores; %d events per run%n", Runtime.getRuntime().availableProcessors(), events);
            plane.post("/v1/tenants", Map.of("id", "acme"));
            // warm-up of both paths (the JIT would otherwise bill the first run): changes, and deliveries to a throwaway subscription
            receiver.start();
            String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
            String warm = Json.MAPPER.readTree(plane.post("/v1/webhooks", Map.of("url", url, "types", java.util.List.of("tenant.*"))).body())
                    .path("id").asText();
            change(plane, 1000, "warm");
            awaitDelivered(plane, warm, 1000);
            BenchPlane.HTTP.send(plane.request("/v1/webhooks/" + warm).DELETE().build(), HttpResponse.BodyHandlers.discarding());

            CpuMeter quiet = CpuMeter.start();
            change(plane, events, "quiet");
            Thread.sleep(2000);
            String quietCpu = quiet.stop();
            double quietSeconds = quiet.jvmAndPostgresSeconds();

            String id = Json.MAPPER.readTree(plane.post("/v1/webhooks", Map.of("url", url, "types", java.util.List.of("tenant.*"))).body())
                    .path("id").asText();
            CpuMeter delivering = CpuMeter.start();
            long start = System.nanoTime();
            change(plane, events, "live");
            long appended = System.nanoTime();
            awaitDelivered(plane, id, events);
            long drained = System.nanoTime();
            Thread.sleep(Math.max(0, 2000 - (drained - appended) / 1_000_000));
            String deliveringCpu = delivering.stop();
            double deliveringSeconds = delivering.jvmAndPostgresSeconds();
            System.out.printf("without a subscription: %s%n", quietCpu);
            System.out.printf("with one subscription:  %s; webhook workers %.2f s%n", deliveringCpu, delivering.threadGroupSeconds("webhook-N"));
            System.out.printf("  by thread group: %s%n", delivering.threadGroups());
            System.out.printf("live: %d events appended in %.1f s, all delivered %.0f ms after the last%n", events, (appended - start) / 1e9,
                    (drained - appended) / 1e6);
            System.out.printf("delivery cost: %.2f s of CPU (server JVM and PostgreSQL) per 1,000 events (%.2f s with, %.2f s without);"
                            + " the webhook workers' own threads %.2f s per 1,000%n", (deliveringSeconds - quietSeconds) * 1000 / events, deliveringSeconds,
                    quietSeconds, delivering.threadGroupSeconds("webhook-N") * 1000 / events);

            // a backlog: the receiver down while N events are appended, then up
            receiver.stop(0);
            long before = received.get();
            Thread.sleep(500);
            change(plane, events, "backlog");
            Thread.sleep(3000); // a few failed tries: the next comes after a backoff
            HttpServer again = HttpServer.create(new InetSocketAddress("127.0.0.1", receiver.getAddress().getPort()), 0);
            again.createContext("/hook", ex -> {
                ex.getRequestBody().readAllBytes();
                received.incrementAndGet();
                ex.sendResponseHeaders(204, -1);
                ex.close();
            });
            again.start();
            long up = System.nanoTime();
            awaitDelivered(plane, id, 2L * events);
            System.out.printf("backlog: %d events drained in %.1f s after the receiver came up (the first of it waiting for the next try), %d received%n",
                    events, (System.nanoTime() - up) / 1e9, received.get() - before);
            again.stop(0);
        }
    }

    private static void change(BenchPlane plane, int times, String run) throws Exception {
        for (int i = 0; i < times; i++) {
            HttpResponse<String> r = BenchPlane.HTTP.send(plane.request("/v1/tenants/acme/labels")
                    .PUT(java.net.http.HttpRequest.BodyPublishers.ofString(Json.write(Map.of("labels", Map.of("run", run, "n", String.valueOf(i))))))
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) throw new IllegalStateException("HTTP " + r.statusCode() + ": " + r.body());
        }
    }

    private static void awaitDelivered(BenchPlane plane, String id, long count) throws Exception {
        long deadline = System.nanoTime() + 600_000_000_000L;
        while (plane.get("/v1/webhooks/" + id).path("delivered").asLong() < count) {
            if (System.nanoTime() > deadline) throw new IllegalStateException("not delivered within 10 minutes");
            Thread.sleep(20);
        }
    }
}
