package dev.tenantry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bake times with the server's clock moved forward (the clock is injected): an hour's bake ends when the clock says so,
 * not an hour later, and a canary that hangs during its bake halts the rollout before the bake ends.
 */
class BakeTimeIT {
    private static final MovableClock clock = new MovableClock();
    private static TestPlane plane;

    @BeforeAll
    static void start() throws Exception {
        plane = TestPlane.start(clock);
        plane.createService("baked", TestPlane.helloBlueprint("/healthz"));
        TestPlane.Reply r = plane.send("POST", "/v1/services/baked/releases", "version: 2.0.0\nblueprint:\n" + TestPlane.helloBlueprint("/healthz").indent(2),
                "application/yaml", plane.admin);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        for (String tenant : List.of("acme", "globex")) {
            plane.createTenant(tenant);
            for (int i = 0; i < 2; i++) {
                assertThat(plane.post("/v1/tenants/" + tenant + "/instances", Map.of("name", "b" + i, "service", "baked", "plan", "basic",
                        "release", "1.0.0")).status()).isEqualTo(202);
            }
        }
        for (String tenant : List.of("acme", "globex")) {
            for (int i = 0; i < 2; i++) plane.awaitPhase(tenant, "b" + i, "RUNNING");
        }
    }

    @AfterAll
    static void stop() throws Exception {
        plane.close();
    }

    private static JsonNode rollout(String id) {
        return plane.get("/v1/rollouts/" + id).json();
    }

    private static String canaryOf(String tenant) {
        JsonNode created = plane.post("/v1/rollouts", Map.of("service", "baked", "release", "2.0.0", "selector", Map.of("tenants", List.of(tenant)),
                "strategy", Map.of("canaryCount", 1, "bakeSeconds", 3600))).json();
        String id = created.path("id").asText();
        await().atMost(Duration.ofSeconds(60)).until(() -> rollout(id).hasNonNull("bakeUntil"));
        return id;
    }

    @Test
    void anHourLongBakeEndsWhenTheClockSaysSo() {
        String id = canaryOf("acme");
        JsonNode baking = rollout(id);
        Instant bakeUntil = Instant.parse(baking.path("bakeUntil").asText());
        assertThat(Duration.between(clock.instant(), bakeUntil)).as("baking for about an hour").isGreaterThan(Duration.ofMinutes(59));
        assertThat(baking.path("state").asText()).isEqualTo("RUNNING");
        assertThat(baking.path("currentWave").asInt()).isZero();

        clock.moveForward(Duration.ofHours(1));
        await().atMost(Duration.ofSeconds(30)).until(() -> rollout(id).path("currentWave").asInt() == 1);
        // the last wave bakes for an hour too
        await().atMost(Duration.ofSeconds(60)).until(() -> rollout(id).hasNonNull("bakeUntil"));
        clock.moveForward(Duration.ofHours(1));
        await().atMost(Duration.ofSeconds(30)).until(() -> rollout(id).path("state").asText().equals("SUCCEEDED"));
        for (int i = 0; i < 2; i++) assertThat(plane.instance("acme", "b" + i).path("spec").path("release").asText()).isEqualTo("2.0.0");
    }

    @Test
    void aCanaryThatHangsWhileBakingHaltsTheRolloutBeforeTheBakeEnds() throws Exception {
        String id = canaryOf("globex");
        String canary = rollout(id).path("instances").get(0).path("name").asText();
        long pid = plane.instance("globex", canary).path("status").path("replicas").get(0).path("pid").asLong();
        JsonNode replica = plane.instance("globex", canary).path("status").path("replicas").get(0);
        assertThat(replica.path("standby").asBoolean()).isFalse();
        assertThat(new ProcessBuilder("kill", "-STOP", String.valueOf(pid)).start().waitFor()).as("freeze the canary").isZero();

        await().atMost(Duration.ofSeconds(60)).until(() -> rollout(id).path("state").asText().equals("HALTED"));
        JsonNode halted = rollout(id);
        assertThat(halted.path("reason").asText()).contains("wave 0 failed while baking: globex/" + canary);
        assertThat(Instant.parse(halted.path("bakeUntil").asText())).as("well before the bake would have ended").isAfter(clock.instant().plusSeconds(3000));
        JsonNode back = plane.awaitPhase("globex", canary, "RUNNING");
        assertThat(back.path("spec").path("release").asText()).isEqualTo("1.0.0");
        assertThat(plane.viaGateway(canary + ".globex.localhost", "/").status()).isEqualTo(200);
    }
}
