package dev.tenantry.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.tenantry.api.cell.InstanceTraffic;
import dev.tenantry.api.cell.Route;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The gateway counts each instance's requests, 5xx answers and latencies per release, afresh when the release changes. */
class GatewayTrafficTest {
    private final HttpClient http = HttpClient.newHttpClient();
    private HttpServer backend;
    private Gateway gateway;

    @BeforeEach
    void start() throws Exception {
        backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        backend.createContext("/", ex -> {
            int status = ex.getRequestURI().getPath().equals("/fail") ? 503 : 200;
            byte[] body = "hi".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(status, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        backend.start();
        gateway = new Gateway("127.0.0.1", 0).start();
    }

    @AfterEach
    void stop() throws Exception {
        gateway.close();
        backend.stop(0);
    }

    private void route(String release, boolean withBackend) {
        List<String> backends = withBackend ? List.of("127.0.0.1:" + backend.getAddress().getPort()) : List.of();
        gateway.routes().accept(List.of(new Route("web.acme.localhost", "u1", backends, false, release)));
    }

    private int get(String path) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path)).header("Host", "web.acme.localhost").build();
        return http.send(r, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void requestsErrorsAndLatenciesAreCountedPerReleaseOfTheRoute() throws Exception {
        route("1.0.0", true);
        assertThat(gateway.routes().traffic("u1")).as("no request yet").isNull();
        for (int i = 0; i < 8; i++) assertThat(get("/")).isEqualTo(200);
        for (int i = 0; i < 2; i++) assertThat(get("/fail")).isEqualTo(503);
        // a request is counted when the gateway completes it, just after the client has the answer
        await().atMost(Duration.ofSeconds(5)).until(() -> gateway.routes().traffic("u1").stats().requests() == 10);
        InstanceTraffic first = gateway.routes().traffic("u1");
        assertThat(first.stats().release()).isEqualTo("1.0.0");
        assertThat(first.stats().requests()).isEqualTo(10);
        assertThat(first.stats().errors()).isEqualTo(2);
        assertThat(first.stats().latencyBuckets().stream().mapToLong(Long::longValue).sum()).isEqualTo(10);

        route("1.0.0", true);
        assertThat(gateway.routes().traffic("u1").stats().requests()).as("same release: the count goes on").isEqualTo(10);

        route("2.0.0", false);
        assertThat(get("/")).as("no healthy replica").isEqualTo(503);
        await().atMost(Duration.ofSeconds(5)).until(() -> gateway.routes().traffic("u1").stats().requests() == 1);
        InstanceTraffic flipped = gateway.routes().traffic("u1");
        assertThat(flipped.stats().release()).isEqualTo("2.0.0");
        assertThat(flipped.stats().requests()).as("a new release counts afresh").isEqualTo(1);
        assertThat(flipped.stats().errors()).as("the gateway's own 503 counts against the instance").isEqualTo(1);
        assertThat(flipped.stats().since()).isAfterOrEqualTo(first.stats().since());
        assertThat(gateway.routes().traffic()).containsOnlyKeys("u1");
    }
}
