package dev.tenantry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Usage metered by the agent for real processes and requests through the real gateway: instance time within a few
 * percent of the replica's wall-clock life, requests counted exactly, CPU and memory measured, valued at the plan's
 * price; margin against a cell's cost model; a report sent twice counted once, a meter that started afresh recorded as a
 * gap; tenants see their own usage only; bad input.
 */
class UsageIT {
    private static TestPlane plane;
    private static String acmeViewer;
    private static String globexViewer;

    @BeforeAll
    static void start() throws Exception {
        plane = TestPlane.startMeteringEvery(Duration.ofMillis(500));
        plane.createTenant("acme");
        plane.createTenant("globex");
        assertThat(plane.post("/v1/services/hello/plans", Map.of("name", "metered", "pricePerHour", 3.6)).status()).isEqualTo(201);
        acmeViewer = token(Map.of("name", "acme viewer", "role", "viewer", "tenant", "acme"));
        globexViewer = token(Map.of("name", "globex viewer", "role", "viewer", "tenant", "globex"));
    }

    @AfterAll
    static void stop() throws Exception {
        plane.close();
    }

    @Test
    void anInstancesTimeRequestsCpuAndMemoryAreMeteredAndValued() throws Exception {
        assertThat(plane.createInstance("acme", "web", "hello", "metered").status()).isEqualTo(202);
        JsonNode running = plane.awaitPhase("acme", "web", "RUNNING");
        Instant started = Instant.parse(running.path("status").path("replicas").get(0).path("startedAt").asText());
        String host = URI.create(running.path("status").path("endpoint").asText()).getHost();
        for (int i = 0; i < 50; i++) assertThat(plane.viaGateway(host, "/").status()).isEqualTo(200);
        Thread.sleep(25_000);
        plane.awaitOperation(plane.post("/v1/tenants/acme/instances/web/stop", null).json().path("operation").path("id").asText());
        Instant stopped = Instant.now();
        double lived = Duration.between(started, stopped).toMillis() / 1000.0;

        JsonNode[] row = new JsonNode[1];
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500)).until(() -> {
            row[0] = rowOf(plane.get("/v1/usage?tenant=acme&groupBy=instance").json(), "web");
            return row[0] != null && row[0].path("requests").asLong() == 50 && settled();
        });
        double seconds = row[0].path("instanceHours").asDouble() * 3600;
        System.out.printf("usage: metered %.2f s of a replica that lived %.2f s (%.1f %%)%n", seconds, lived, 100 * seconds / lived);
        assertThat(seconds).as("metered %.1f s of a replica that lived %.1f s", seconds, lived).isBetween(lived * 0.95 - 1, lived * 1.02);
        assertThat(row[0].path("instanceHoursByPlan").path("hello/metered").asDouble()).isEqualTo(row[0].path("instanceHours").asDouble());
        assertThat(row[0].path("requests").asLong()).as("every request through the gateway, once").isEqualTo(50);
        assertThat(row[0].path("bytesOut").asLong()).as("the example's pages").isGreaterThan(50 * 20);
        assertThat(row[0].path("cpuCoreHours").asDouble() * 3600).as("CPU seconds of a JVM that started and served").isBetween(0.1, 25.0);
        double memoryGb = row[0].path("memoryGbHours").asDouble() * 3600 / seconds;
        assertThat(memoryGb).as("average resident GB of the replica").isBetween(0.01, 1.0);
        assertThat(row[0].path("revenue").asDouble()).as("3.60 an hour").isCloseTo(row[0].path("instanceHours").asDouble() * 3.6,
                org.assertj.core.data.Offset.offset(1e-6));

        // CSV: the same row
        TestPlane.Reply csv = plane.send("GET", "/v1/usage?tenant=acme&groupBy=instance&format=csv", null, null, plane.admin);
        assertThat(csv.status()).isEqualTo(200);
        assertThat(csv.contentType()).startsWith("text/csv");
        List<String> lines = csv.body().lines().toList();
        assertThat(lines.getFirst()).startsWith("tenant,instance,instanceHours,instanceHoursByPlan,cpuCoreHours");
        assertThat(lines).anyMatch(l -> l.startsWith("acme,web,") && l.contains("hello/metered=") && l.contains(",50,"));

        // tenants see their own
        assertThat(rowOf(call("/v1/usage?groupBy=instance", acmeViewer), "web")).isNotNull();
        assertThat(call("/v1/usage?groupBy=instance", globexViewer).path("items")).noneMatch(r -> r.path("keys").path("tenant").asText().equals("acme"));
        assertThat(plane.call("GET", "/v1/usage?tenant=acme", null, globexViewer).status()).isEqualTo(404);

        // margin: the local cell's cost model, then acme's revenue against its cost
        assertThat(plane.call("PUT", "/v1/cells/local/cost-model", Map.of("perCoreHour", 100, "perGbHourMemory", 10, "perGbHourStorage", 1),
                plane.admin).status()).isEqualTo(200);
        JsonNode margin = plane.get("/v1/margin").json();
        JsonNode acme = null;
        for (JsonNode t : margin.path("tenants")) if (t.path("tenant").asText().equals("acme")) acme = t;
        assertThat(acme).as(margin.toString()).isNotNull();
        double expectedCost = row[0].path("cpuCoreHours").asDouble() * 100 + row[0].path("memoryGbHours").asDouble() * 10
                + row[0].path("storageGbHours").asDouble();
        assertThat(acme.path("cost").asDouble()).isCloseTo(expectedCost, org.assertj.core.data.Offset.offset(0.001));
        assertThat(acme.path("margin").asDouble()).isCloseTo(acme.path("revenue").asDouble() - acme.path("cost").asDouble(),
                org.assertj.core.data.Offset.offset(0.001));
        assertThat(margin.path("highestCost").get(0).asText()).isEqualTo("acme");
        assertThat(plane.call("GET", "/v1/margin", null, acmeViewer).status()).as("margin is the provider's").isEqualTo(403);
    }

    @Test
    void aReportSentTwiceCountsOnceAndAMeterStartingAfreshLeavesARecordedGap() throws Exception {
        assertThat(plane.createInstance("globex", "api", "hello", "metered").status()).isEqualTo(202);
        String uid = plane.awaitPhase("globex", "api", "RUNNING").path("uid").asText();
        String agent = Files.readString(plane.home.resolve("agent.token")).strip();
        Instant from = Instant.parse("2026-01-05T10:00:00Z");
        Map<String, Object> report = Map.of("meterId", "meter-replayed", "seq", 1, "from", from.toString(), "to", from.plusSeconds(3600).toString(),
                "estimated", false, "instances", List.of(Map.of("instanceUid", uid, "runningSeconds", 3600, "cpuSeconds", 36, "memoryGbSeconds", 360,
                        "requests", 1000, "bytesIn", 0, "bytesOut", 5000, "storageGbSeconds", 0)));
        for (int i = 0; i < 2; i++) assertThat(plane.call("POST", "/v1/cells/local/usage", report, agent).status()).isEqualTo(204);
        // another cell's agent cannot bill globex/api, which runs on local
        String farAgent = token(Map.of("name", "far agent", "role", "agent", "cell", "far"));
        Map<String, Object> forged = new java.util.HashMap<>(report);
        forged.put("meterId", "meter-forged");
        assertThat(plane.call("POST", "/v1/cells/far/usage", forged, farAgent).status()).isEqualTo(204);
        JsonNode day = plane.get("/v1/usage?tenant=globex&groupBy=hour&from=2026-01-05&to=2026-01-06").json();
        assertThat(day.path("items")).hasSize(1);
        assertThat(day.path("items").get(0).path("instanceHours").asDouble()).as("counted once").isEqualTo(1.0);
        assertThat(day.path("items").get(0).path("requests").asLong()).isEqualTo(1000);

        // a report spanning two hours is split between them in proportion to time
        Map<String, Object> split = Map.of("meterId", "meter-replayed", "seq", 2, "from", from.plusSeconds(5400).toString(),
                "to", from.plusSeconds(9000).toString(), "estimated", true, "instances", List.of(Map.of("instanceUid", uid, "runningSeconds", 3600,
                        "cpuSeconds", 0, "memoryGbSeconds", 0, "requests", 100, "bytesIn", 0, "bytesOut", 0, "storageGbSeconds", 0)));
        assertThat(plane.call("POST", "/v1/cells/local/usage", split, agent).status()).isEqualTo(204);
        JsonNode hours = plane.get("/v1/usage?tenant=globex&groupBy=hour&from=2026-01-05&to=2026-01-06").json();
        assertThat(hours.path("items")).extracting(r -> r.path("keys").path("hour").asText())
                .containsExactly("2026-01-05T10:00:00Z", "2026-01-05T11:00:00Z", "2026-01-05T12:00:00Z");
        assertThat(hours.path("items").get(1).path("instanceHours").asDouble()).isCloseTo(0.5, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(hours.path("items").get(2).path("requests").asLong()).isEqualTo(50);
        JsonNode gaps = hours.path("gaps");
        assertThat(gaps.toString()).as("the half hour between the two reports, and the estimated one").contains("\"kind\":\"missing\"")
                .contains("\"kind\":\"estimated\"").contains("2026-01-05T11:00:00Z");
        assertThat(call("/v1/usage?from=2026-01-05&to=2026-01-06", globexViewer).path("gaps").toString()).as("a tenant sees gaps without cells")
                .doesNotContain("\"cell\":\"local\"");
    }

    @Test
    void badInputNamesTheField() {
        assertField(plane.get("/v1/usage?groupBy=nope"), "groupBy");
        assertField(plane.get("/v1/usage?from=yesterday"), "from");
        assertField(plane.get("/v1/usage?from=2026-01-02&to=2026-01-01"), "to");
        assertField(plane.get("/v1/usage?from=2020-01-01&to=2026-01-01"), "from");
        assertField(plane.get("/v1/usage?format=xml"), "format");
        assertField(plane.call("PUT", "/v1/cells/local/cost-model", Map.of("perCoreHour", -1, "perGbHourMemory", 0, "perGbHourStorage", 0), plane.admin),
                "perCoreHour");
        assertField(plane.call("PUT", "/v1/cells/local/cost-model", Map.of("perCoreHour", 1), plane.admin), "perGbHourMemory");
        assertThat(plane.call("PUT", "/v1/cells/nosuch/cost-model", Map.of("perCoreHour", 1, "perGbHourMemory", 0, "perGbHourStorage", 0),
                plane.admin).status()).isEqualTo(404);
        assertThat(plane.call("PUT", "/v1/services/hello/plans/nosuch/unit-prices", Map.of("perMillionRequests", 1, "perGbOut", 0), plane.admin)
                .status()).isEqualTo(404);
        assertThat(plane.call("PUT", "/v1/services/hello/plans/metered/unit-prices", Map.of("perMillionRequests", 2, "perGbOut", 0.5), plane.admin)
                .status()).isEqualTo(200);
        assertThat(plane.get("/v1/services/hello/plans/metered/unit-prices").json().path("perMillionRequests").asDouble()).isEqualTo(2.0);
        String agent = secret();
        assertField(plane.call("POST", "/v1/cells/local/usage", Map.of("meterId", "m", "seq", 1, "from", "2026-01-01T00:00:00Z",
                "to", "2025-01-01T00:00:00Z", "estimated", false), agent), "to");
        assertThat(plane.call("POST", "/v1/cells/local/usage", Map.of("meterId", "m", "seq", 1), plane.admin).status())
                .as("only the cell's agent reports").isEqualTo(403);
    }

    private static String secret() {
        try {
            return Files.readString(plane.home.resolve("agent.token")).strip();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    /** True once the last report has come in: the metered time stops growing. */
    private static boolean settled() throws InterruptedException {
        double before = rowOf(plane.get("/v1/usage?tenant=acme&groupBy=instance").json(), "web").path("instanceHours").asDouble();
        Thread.sleep(1500);
        return rowOf(plane.get("/v1/usage?tenant=acme&groupBy=instance").json(), "web").path("instanceHours").asDouble() == before;
    }

    private static JsonNode rowOf(JsonNode usage, String instance) {
        for (JsonNode r : usage.path("items")) if (r.path("keys").path("instance").asText().equals(instance)) return r;
        return null;
    }

    private static JsonNode call(String path, String token) {
        TestPlane.Reply reply = plane.call("GET", path, null, token);
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        return reply.json();
    }

    private static void assertField(TestPlane.Reply reply, String field) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(400);
        assertThat(reply.body()).contains("\"" + field + "\"");
    }

    private static String token(Map<String, Object> body) {
        TestPlane.Reply reply = plane.post("/v1/tokens", body);
        assertThat(reply.status()).as(reply.body()).isEqualTo(201);
        return reply.json().path("secret").asText();
    }
}
