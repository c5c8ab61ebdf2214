package dev.tenantry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Idle hibernation, with the clock of the server and the gateway moved forward instead of waiting the plan's idle
 * period: requests keep an instance awake for longer than the period, their absence hibernates it, and the next
 * request wakes it.
 */
class IdleHibernationIT {
    private static final MovableClock clock = new MovableClock();
    private static TestPlane plane;

    @BeforeAll
    static void start() throws Exception {
        plane = TestPlane.start(clock);
        plane.createTenant("acme");
    }

    @AfterAll
    static void stop() throws Exception {
        plane.close();
    }

    @Test
    void anIdleInstanceHibernatesAfterItsPlansPeriodAndWakesOnTheNextRequest() {
        TestPlane.Reply tooShort = plane.post("/v1/services/hello/plans", Map.of("name", "dozing", "hibernateAfterSeconds", 3));
        assertThat(tooShort.status()).isEqualTo(400);
        assertThat(tooShort.json().path("errors").get(0).path("field").asText()).isEqualTo("hibernateAfterSeconds");
        assertThat(plane.post("/v1/services/hello/plans", Map.of("name", "napping", "hibernateAfterSeconds", 10)).status()).isEqualTo(201);
        assertThat(plane.createInstance("acme", "nap", "hello", "napping").status()).isEqualTo(202);
        plane.awaitPhase("acme", "nap", "RUNNING");

        for (int second = 0; second < 15; second++) { // a request each (moved) second for 15 s, longer than the 10 s idle period
            clock.moveForward(Duration.ofSeconds(1));
            assertThat(plane.viaGateway("nap.acme.localhost", "/").status()).isEqualTo(200);
        }
        assertThat(plane.instance("acme", "nap").path("status").path("phase").asText()).as("requests keep it awake").isEqualTo("RUNNING");

        clock.moveForward(Duration.ofSeconds(11)); // then nothing for longer than the period
        JsonNode hibernated = plane.awaitPhase("acme", "nap", "HIBERNATED");
        JsonNode op = plane.get("/v1/operations/" + hibernated.path("lastOperation").asText()).json();
        assertThat(op.path("type").asText()).isEqualTo("instance.hibernate");
        assertThat(op.path("actor").asText()).startsWith("system (no request for 10 s)");
        await().atMost(TestPlane.WAIT).until(() -> plane.instance("acme", "nap").path("status").path("replicas").isEmpty());
        assertThat(plane.viaGateway("nap.acme.localhost", "/").status()).as("the next request wakes it").isEqualTo(200);
    }
}
