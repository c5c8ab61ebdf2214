package dev.tenantry.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A gateway that has not read its routes yet cannot tell a known instance from an unknown one: it says 503, never 404. */
class GatewayStartTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void answers503WithRetryAfterUntilItHasRoutesThen404ForUnknownHosts() throws Exception {
        try (Gateway gateway = new Gateway("127.0.0.1", 0).start()) {
            HttpResponse<String> before = get(gateway);
            assertThat(before.statusCode()).isEqualTo(503);
            assertThat(before.headers().firstValue("Retry-After")).contains("1");
            assertThat(before.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
            gateway.routes().accept(List.of());
            assertThat(get(gateway).statusCode()).isEqualTo(404);
        }
    }

    private static HttpResponse<String> get(Gateway gateway) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/")).header("Host", "web.acme.localhost").build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
