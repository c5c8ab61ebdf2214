package dev.tenantry.agent.driver;

import dev.tenantry.api.blueprint.HealthCheck;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** One health check of one replica: an HTTP GET that must answer 2xx/3xx, or a TCP connect. */
final class HealthProbe {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
            .version(HttpClient.Version.HTTP_1_1).build();

    private HealthProbe() {}

    static boolean check(HealthCheck check, int port) {
        try {
            if (check.type() == HealthCheck.Type.tcp) {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1", port), check.timeoutOrDefault());
                    return true;
                }
            }
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + check.pathOrDefault()))
                    .timeout(Duration.ofMillis(check.timeoutOrDefault())).GET().build();
            int status = HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            return status >= 200 && status < 400;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
