package dev.tenantry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Placement never uses an offline cell nor goes past a cell's capacity, also when many instances are placed at once. */
class PlacementIT {
    private static TestPlane plane;
    private static String localAgent;

    @BeforeAll
    static void start() throws Exception {
        plane = TestPlane.start();
        plane.createTenant("acme");
        localAgent = Files.readString(plane.home.resolve("agent.token")).strip();
        String farAgent = plane.post("/v1/tokens", Map.of("name", "far agent", "role", "agent", "cell", "far")).json().path("secret").asText();
        // a roomy cell whose agent registered once and never reported: offline
        assertThat(plane.call("PUT", "/v1/cells/far", registration("far", 1000), farAgent).status()).isEqualTo(200);
    }

    @AfterAll
    static void stop() throws Exception {
        plane.close();
    }

    private static Map<String, Object> registration(String region, int capacity) {
        String template = plane.get("/v1/cells/local").json().path("endpointTemplate").asText();
        return Map.of("region", region, "driver", "process", "capacity", capacity, "baseDomain", "localhost", "endpointTemplate", template);
    }

    private static void setLocalCapacity(int capacity) {
        assertThat(plane.call("PUT", "/v1/cells/local", registration("local", capacity), localAgent).status()).isEqualTo(200);
    }

    @Test
    void aFullCellLeavesInstancesPendingWithTheReasonNeverOnAnOfflineCellAndTheyArePlacedWhenRoomAppears() {
        setLocalCapacity(1);
        assertThat(plane.createInstance("acme", "first", "hello", "starter").status()).isEqualTo(202);
        plane.awaitPhase("acme", "first", "RUNNING");
        assertThat(plane.createInstance("acme", "second", "hello", "starter").status()).isEqualTo(202);
        await().atMost(TestPlane.WAIT).until(() -> placedCondition(plane.instance("acme", "second")).path("reason").asText().equals("NoCapacity"));
        JsonNode second = plane.instance("acme", "second");
        assertThat(second.path("status").path("phase").asText()).isEqualTo("PENDING");
        assertThat(second.path("status").path("cell").isNull() || second.path("status").path("cell").isMissingNode()).as("not placed: " + second).isTrue();
        assertThat(placedCondition(second).path("message").asText()).contains("local: 1 of 1").contains("far: offline");

        String delete = plane.delete("/v1/tenants/acme/instances/first").json().path("operation").path("id").asText();
        plane.awaitOperation(delete);
        JsonNode placed = plane.awaitPhase("acme", "second", "RUNNING");
        assertThat(placed.path("status").path("cell").asText()).isEqualTo("local");
        plane.awaitOperation(plane.delete("/v1/tenants/acme/instances/second").json().path("operation").path("id").asText());
    }

    @Test
    void concurrentCreatesNeverOverfillACell() throws Exception {
        setLocalCapacity(3);
        List<String> names = IntStream.range(0, 6).mapToObj(i -> "burst" + i).toList();
        try (var pool = Executors.newFixedThreadPool(names.size())) {
            List<Future<TestPlane.Reply>> replies = names.stream().map(n -> pool.submit(() -> plane.createInstance("acme", n, "hello", "starter"))).toList();
            for (Future<TestPlane.Reply> reply : replies) assertThat(reply.get().status()).isEqualTo(202);
        }
        await().atMost(TestPlane.WAIT).pollInterval(Duration.ofMillis(200)).until(() -> names.stream()
                .map(n -> plane.instance("acme", n)).filter(i -> !placedCondition(i).isMissingNode()).count() == names.size());
        List<JsonNode> instances = names.stream().map(n -> plane.instance("acme", n)).toList();
        long onLocal = instances.stream().filter(i -> "local".equals(i.path("status").path("cell").asText(null))).count();
        assertThat(onLocal).as("placed on local: " + instances).isEqualTo(3);
        assertThat(instances).noneMatch(i -> "far".equals(i.path("status").path("cell").asText(null)));
        assertThat(instances.stream().filter(i -> placedCondition(i).path("reason").asText().equals("NoCapacity")).count()).isEqualTo(3);
    }

    private static JsonNode placedCondition(JsonNode instance) {
        for (JsonNode c : instance.path("status").path("conditions")) if (c.path("type").asText().equals("Placed")) return c;
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }
}
