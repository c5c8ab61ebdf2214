package dev.tenantry.app;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** Steady requests to one instance through the gateway (every 20 ms unless said otherwise), counting what did not answer 200. */
final class GatewayLoad implements AutoCloseable {
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicInteger ok = new AtomicInteger();
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private final List<String> answers = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    GatewayLoad(int gatewayPort, String host) {
        this(gatewayPort, host, Duration.ofMillis(20));
    }

    GatewayLoad(int gatewayPort, String host, Duration every) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gatewayPort + "/")).header("Host", host)
                .timeout(Duration.ofSeconds(10)).GET().build();
        thread = Thread.ofVirtual().start(() -> {
            while (running) {
                try {
                    HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200) {
                        ok.incrementAndGet();
                        answers.add(r.body());
                    } else failures.add("HTTP " + r.statusCode() + ": " + r.body().strip());
                    Thread.sleep(every.toMillis());
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    failures.add(e.toString());
                }
            }
        });
    }

    int ok() {
        return ok.get();
    }

    /** The bodies of the 200 answers, in the order they came (one request at a time). */
    List<String> answers() {
        return List.copyOf(answers);
    }

    List<String> failures() {
        return List.copyOf(failures);
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(15_000);
    }
}
