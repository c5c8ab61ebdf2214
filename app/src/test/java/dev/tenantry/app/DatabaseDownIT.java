package dev.tenantry.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** With its PostgreSQL stopped, the API says so at once (503, Retry-After) instead of hanging and failing with a 500. */
class DatabaseDownIT {

    @Test
    void callsAnswer503WithRetryAfterAndReadinessFailsWhileThePostgresIsDown() throws Exception {
        try (TestPlane plane = TestPlane.start()) {
            assertThat(plane.call("GET", "/readyz", null, null).status()).isEqualTo(200);
            plane.get("/v1/tenants"); // the token is verified and cached while the database answers
            plane.dev.database().embedded().close();

            long start = System.nanoTime();
            TestPlane.Reply list = plane.get("/v1/tenants");
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(list.status()).as(list.body()).isEqualTo(503);
            assertThat(list.contentType()).startsWith("application/problem+json");
            assertThat(list.json().path("type").asText()).endsWith("/database-unavailable");
            assertThat(list.raw().headers().firstValue("Retry-After")).contains("1");
            assertThat(took).as("no hang: the pool's connection timeout is a second").isLessThan(Duration.ofSeconds(5));

            TestPlane.Reply create = plane.post("/v1/tenants", Map.of("id", "while-down"));
            assertThat(create.status()).isEqualTo(503);
            TestPlane.Reply ready = plane.call("GET", "/readyz", null, null);
            assertThat(ready.status()).isEqualTo(503);
            assertThat(ready.json().path("type").asText()).endsWith("/database-unavailable");
        }
    }
}
