package dev.tenantry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tenantry.agent.metrics.MetricsEndpoint;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /metrics} of dev mode for real: the server's figures and every instance's, read by a strict parser of the
 * exposition format; counters that rise with real traffic through the gateway; a standalone agent's own endpoint.
 */
class MetricsIT {
    private static final Map<String, String> WEB = Map.of("tenant", "acme", "instance", "web", "service", "hello", "plan", "starter",
            "cell", "local");
    private static TestPlane plane;

    @BeforeAll
    static void start() throws Exception {
        plane = TestPlane.start();
        plane.createTenant("acme");
        assertThat(plane.post("/v1/tenants/acme/instances", Map.of("name", "web", "service", "hello", "plan", "starter")).status()).isEqualTo(202);
        plane.awaitPhase("acme", "web", "RUNNING");
    }

    @AfterAll
    static void stop() throws Exception {
        if (plane != null) plane.close();
    }

    @Test
    void theServerAndEveryInstanceAreSeenAndCountersRiseWithTraffic() {
        PrometheusText before = scrape();
        double requests = before.value("tenantry_instance_requests_total", WEB);
        for (int i = 0; i < 50; i++) assertThat(plane.viaGateway("web.acme.localhost", "/").status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(scrape().value("tenantry_instance_requests_total", WEB)).isGreaterThanOrEqualTo(requests + 50));
        PrometheusText after = scrape();
        assertThat(after.types).containsEntry("tenantry_instance_request_duration_seconds", "histogram")
                .containsEntry("tenantry_instance_requests_total", "counter").containsEntry("tenantry_api_requests_seconds", "histogram");
        assertThat(after.value("tenantry_instance_request_duration_seconds_count", WEB)).as("every request has a latency")
                .isEqualTo(after.value("tenantry_instance_requests_total", WEB));
        assertThat(after.value("tenantry_instance_request_duration_seconds_sum", WEB)).isPositive();
        assertThat(after.value("tenantry_instance_errors_total", WEB)).isZero();
        Map<String, String> replica = new java.util.HashMap<>(WEB);
        replica.put("replica", "web-0");
        assertThat(after.value("tenantry_replica_cpu_seconds_total", replica)).as("the replica's CPU").isPositive();
        assertThat(after.value("tenantry_replica_resident_memory_bytes", replica)).as("its memory").isGreaterThan(1_000_000);
        assertThat(after.value("tenantry_replica_ready", replica)).isEqualTo(1);
        assertThat(after.value("tenantry_replica_up", replica)).isEqualTo(1);
        assertThat(after.value("tenantry_api_requests_seconds_count", Map.of("method", "POST", "route", "/v1/tenants/{tenant}/instances",
                "status", "202"))).isEqualTo(1);
        assertThat(after.value("tenantry_operations", Map.of("type", "instance.create", "state", "SUCCEEDED"))).isEqualTo(1);
        assertThat(after.value("tenantry_reconcile_queue_due", Map.of("queue", "instances"))).isGreaterThanOrEqualTo(0);
        assertThat(after.value("tenantry_cell_report_age_seconds", Map.of("cell", "local"))).isBetween(0.0, 60.0);
        assertThat(after.value("tenantry_db_pool_connections", Map.of("state", "total"))).isPositive();
    }

    @Test
    void theGrafanaDashboardAsksOnlyForSeriesThatExist() throws Exception {
        var dashboard = dev.tenantry.api.Json.MAPPER.readTree(java.nio.file.Path.of("..", "docs", "monitoring", "grafana-dashboard.json").toFile());
        java.util.Set<String> asked = new java.util.TreeSet<>();
        dashboard.findValues("expr").forEach(e -> java.util.regex.Pattern.compile("tenantry_[a-z_]+").matcher(e.asText()).results()
                .forEach(m -> asked.add(m.group())));
        assertThat(asked).hasSizeGreaterThan(10);
        java.util.Set<String> served = new java.util.HashSet<>();
        scrape().samples.forEach(s -> served.add(s.name()));
        assertThat(served).as("every series the dashboard queries").containsAll(asked);
    }

    @Test
    void anUnknownPathIsCountedUnderOneRoute() {
        assertThat(plane.get("/v1/nosuch-" + System.nanoTime()).status()).isEqualTo(404);
        assertThat(plane.get("/v1/nosuch-" + System.nanoTime()).status()).isEqualTo(404);
        PrometheusText text = scrape();
        assertThat(text.samples).as("no series per path").noneMatch(s -> s.labels().getOrDefault("route", "").contains("nosuch"));
        assertThat(text.value("tenantry_api_requests_seconds_count", Map.of("method", "GET", "route", "unmatched", "status", "404")))
                .isGreaterThanOrEqualTo(2);
    }

    @Test
    void onlyProviderTokensReadTheMetrics() {
        assertThat(plane.call("GET", "/metrics", null, null).status()).isEqualTo(401);
        String tenantViewer = plane.post("/v1/tokens", Map.of("name", "acme-v", "role", "viewer", "tenant", "acme")).json().path("secret").asText();
        assertThat(plane.call("GET", "/metrics", null, tenantViewer).status()).as("a tenant's token sees no other tenant's figures").isEqualTo(403);
        String viewer = plane.post("/v1/tokens", Map.of("name", "p-v", "role", "viewer")).json().path("secret").asText();
        assertThat(plane.call("GET", "/metrics", null, viewer).status()).isEqualTo(200);
    }

    @Test
    void aStandaloneAgentServesItsCellsMetricsOnAPortOfItsOwn() throws Exception {
        try (MetricsEndpoint endpoint = MetricsEndpoint.start("127.0.0.1", 0, plane.dev.agent().metrics())) {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.port() + "/metrics"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain; version=0.0.4");
            PrometheusText text = PrometheusText.parse(r.body());
            assertThat(text.value("tenantry_replica_ready", Map.of("instance", "web", "replica", "web-0"))).isEqualTo(1);
            assertThat(text.types).doesNotContainKey("tenantry_api_requests_seconds");
        }
    }

    private static PrometheusText scrape() {
        TestPlane.Reply r = plane.get("/metrics");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.contentType()).startsWith("text/plain; version=0.0.4");
        return PrometheusText.parse(r.body());
    }
}
