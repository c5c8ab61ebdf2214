package dev.tenantry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Fleet upgrades with real processes: a rollout's canary that fails its health check halts the rollout and is
 * rolled back with every other instance untouched; a healthy rollout goes through the canary and its waves to
 * 100 % while requests through the gateway keep being answered; bad requests change nothing.
 */
class RolloutIT extends WithPlane {
    private static final int FLEET = 5;

    @BeforeAll
    static void fleet() {
        plane.createService("fleet", TestPlane.helloBlueprint("/healthz"));
        assertThat(plane.post("/v1/services/fleet/plans", Map.of("name", "duo", "replicas", 2)).status()).isEqualTo(201);
        release("2.0.0", TestPlane.helloBlueprint("/healthz").replace("{{params.greeting}}", "Upgraded {{params.greeting}}"));
        release("3.0.0", TestPlane.helloBlueprint("/never-healthy").replace("intervalMillis: 200}", "intervalMillis: 200, startupTimeoutSeconds: 2}"));
        release("2.5.0", TestPlane.helloBlueprint("/healthz").replace("env: {GREETING: \"{{params.greeting}}\"}",
                "env: {GREETING: \"{{params.greeting}}\", FAIL_EVERY: \"5\"}"));
        for (String tenant : List.of("acme", "globex")) {
            for (int i = 0; i < FLEET; i++) createAtFirstRelease(tenant, "f" + i);
        }
        for (String tenant : List.of("acme", "globex")) {
            for (int i = 0; i < FLEET; i++) plane.awaitPhase(tenant, "f" + i, "RUNNING");
        }
    }

    @Test
    void aCanaryThatFailsItsHealthCheckHaltsTheRolloutAndIsRolledBack() {
        Map<String, Long> generations = generations("acme");
        JsonNode rollout = create(Map.of("service", "fleet", "release", "3.0.0", "selector", Map.of("tenants", List.of("acme")),
                "strategy", Map.of("canaryCount", 1, "waves", List.of(50, 100), "maxParallel", 2)));
        assertThat(rollout.path("waveCount").asInt()).as("canary, then two waves").isEqualTo(3);
        JsonNode halted = awaitState(rollout.path("id").asText(), "HALTED");
        assertThat(halted.path("reason").asText()).contains("1 instance(s) failed their upgrade; the error budget allows 0");

        List<JsonNode> canary = new ArrayList<>();
        halted.path("instances").forEach(i -> {
            if (i.path("wave").asInt() == 0) canary.add(i);
            else assertThat(i.path("state").asText()).as("beyond the canary: not started").isEqualTo("PENDING");
        });
        assertThat(canary).hasSize(1);
        assertThat(canary.get(0).path("state").asText()).isEqualTo("ROLLED_BACK");
        String canaryName = canary.get(0).path("name").asText();
        for (int i = 0; i < FLEET; i++) {
            JsonNode instance = plane.awaitPhase("acme", "f" + i, "RUNNING");
            assertThat(instance.path("spec").path("release").asText()).as("f" + i + " back at, or still on, 1.0.0").isEqualTo("1.0.0");
            if (!("f" + i).equals(canaryName)) {
                assertThat(instance.path("generation").asLong()).as("f" + i + " untouched").isEqualTo(generations.get("f" + i));
            }
            assertThat(plane.viaGateway("f" + i + ".acme.localhost", "/").status()).isEqualTo(200);
        }
        assertThat(plane.get("/v1/audit?limit=1000").body()).contains("rollout.halt", "rollout.halted");
    }

    @Test
    void aHealthyRolloutReachesEveryInstanceWaveByWaveWithoutAFailedRequest() throws Exception {
        JsonNode rollout;
        try (GatewayLoad load = new GatewayLoad(plane.dev.gateway().port(), "f0.globex.localhost")) {
            await().atMost(Duration.ofSeconds(10)).until(() -> load.ok() > 3);
            rollout = create(Map.of("service", "fleet", "release", "2.0.0", "selector", Map.of("tenants", List.of("globex")),
                    "strategy", Map.of("canaryPercent", 20, "waves", List.of(50, 100), "bakeSeconds", 1, "maxParallel", 2)));
            rollout = awaitState(rollout.path("id").asText(), "SUCCEEDED");
            assertThat(load.failures()).as("requests through the gateway during the rollout").isEmpty();
        }
        assertThat(rollout.path("currentWave").asInt()).isEqualTo(2);
        rollout.path("instances").forEach(i -> assertThat(i.path("state").asText()).as(i.toString()).isEqualTo("SUCCEEDED"));
        for (int i = 0; i < FLEET; i++) {
            JsonNode instance = plane.instance("globex", "f" + i);
            assertThat(instance.path("spec").path("release").asText()).isEqualTo("2.0.0");
            assertThat(instance.path("status").path("observedGeneration").asLong()).isEqualTo(instance.path("generation").asLong());
            assertThat(plane.viaGateway("f" + i + ".globex.localhost", "/").body()).contains("Upgraded Hello, globex!");
        }
        JsonNode op = plane.get("/v1/operations/" + plane.instance("globex", "f3").path("lastOperation").asText()).json();
        assertThat(op.path("type").asText()).isEqualTo("instance.upgrade");
        assertThat(op.path("actor").asText()).isEqualTo("rollout " + rollout.path("id").asText());

        // and back: a rollback returns every instance the rollout changed
        assertThat(plane.post("/v1/rollouts/" + rollout.path("id").asText() + "/rollback", null).status()).isEqualTo(200);
        JsonNode reverted = awaitState(rollout.path("id").asText(), "ROLLED_BACK");
        reverted.path("instances").forEach(i -> assertThat(i.path("state").asText()).isEqualTo("ROLLED_BACK"));
        for (int i = 0; i < FLEET; i++) {
            assertThat(plane.instance("globex", "f" + i).path("spec").path("release").asText()).isEqualTo("1.0.0");
            assertThat(plane.viaGateway("f" + i + ".globex.localhost", "/").body()).contains("Hello, globex!").doesNotContain("Upgraded");
        }
        assertThat(plane.post("/v1/rollouts/" + rollout.path("id").asText() + "/rollback", null).status()).as("twice").isEqualTo(409);

        JsonNode history = plane.get("/v1/tenants/globex/instances/f3/releases").json().path("items");
        assertThat(history).as("newest first: rollback, upgrade, creation").hasSize(3);
        String actor = "rollout " + rollout.path("id").asText();
        assertThat(List.of(history.get(0).path("release").asText(), history.get(0).path("fromRelease").asText(), history.get(0).path("type").asText(),
                history.get(0).path("actor").asText(), history.get(0).path("state").asText())).containsExactly("1.0.0", "2.0.0", "instance.rollback", actor, "SUCCEEDED");
        assertThat(List.of(history.get(1).path("release").asText(), history.get(1).path("fromRelease").asText(), history.get(1).path("type").asText(),
                history.get(1).path("actor").asText())).containsExactly("2.0.0", "1.0.0", "instance.upgrade", actor);
        assertThat(history.get(2).path("type").asText()).isEqualTo("instance.create");
        assertThat(history.get(2).hasNonNull("fromRelease")).as("created: from no release").isFalse();
        assertThat(java.time.Instant.parse(history.get(1).path("endedAt").asText())).as("the upgrade ended before the rollback began")
                .isBeforeOrEqualTo(java.time.Instant.parse(history.get(0).path("at").asText()));
    }

    @Test
    void anInstanceFlipsToTheNewReleaseInOneStepAndARollbackTakesItsWarmReplicasBack() throws Exception {
        plane.createTenant("stark");
        TestPlane.Reply created = plane.post("/v1/tenants/stark/instances", Map.of("name", "duo", "service", "fleet", "plan", "duo", "release", "1.0.0"));
        assertThat(created.status()).as(created.body()).isEqualTo(202);
        List<Long> bluePids = pids(plane.awaitPhase("stark", "duo", "RUNNING"), false);
        assertThat(bluePids).hasSize(2);
        JsonNode rollout;
        List<String> answers;
        try (GatewayLoad load = new GatewayLoad(plane.dev.gateway().port(), "duo.stark.localhost", Duration.ofMillis(5))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> load.ok() > 3);
            rollout = create(Map.of("service", "fleet", "release", "2.0.0", "selector", Map.of("tenants", List.of("stark"))));
            awaitState(rollout.path("id").asText(), "SUCCEEDED");
            await().atMost(Duration.ofSeconds(10)).until(() -> load.answers().stream().filter(a -> a.contains("Upgraded")).count() > 20);
            assertThat(load.failures()).as("requests through the gateway during the flip").isEmpty();
            answers = load.answers();
        }
        int firstNew = answers.indexOf(answers.stream().filter(a -> a.contains("Upgraded")).findFirst().orElseThrow());
        assertThat(firstNew).as("answered by 1.0.0 before the flip").isPositive();
        assertThat(answers.subList(firstNew, answers.size())).as("after the first answer of 2.0.0, only 2.0.0 answers: one flip for both replicas")
                .allMatch(a -> a.contains("Upgraded"));
        JsonNode upgraded = plane.instance("stark", "duo");
        assertThat(pids(upgraded, true)).as("1.0.0 stays warm").containsExactlyInAnyOrderElementsOf(bluePids);
        upgraded.path("status").path("replicas").forEach(r -> assertThat(r.path("release").asText())
                .isEqualTo(r.path("standby").asBoolean() ? "1.0.0" : "2.0.0"));

        assertThat(plane.post("/v1/rollouts/" + rollout.path("id").asText() + "/rollback", null).status()).isEqualTo(200);
        awaitState(rollout.path("id").asText(), "ROLLED_BACK");
        JsonNode back = plane.awaitPhase("stark", "duo", "RUNNING");
        assertThat(pids(back, false)).as("the rollback flipped back to the warm replicas: no new process").containsExactlyInAnyOrderElementsOf(bluePids);
        assertThat(plane.viaGateway("duo.stark.localhost", "/").body()).doesNotContain("Upgraded");
    }

    private static List<Long> pids(JsonNode instance, boolean standby) {
        List<Long> pids = new ArrayList<>();
        instance.path("status").path("replicas").forEach(r -> {
            if (r.path("standby").asBoolean() == standby) pids.add(r.path("pid").asLong());
        });
        return pids;
    }

    @Test
    void aReleaseThatAnswers5xxOnAFifthOfRequestsIsCaughtByAnalysisAndRolledBack() throws Exception {
        plane.createTenant("wayne");
        for (int i = 0; i < 3; i++) createAtFirstRelease("wayne", "w" + i);
        for (int i = 0; i < 3; i++) plane.awaitPhase("wayne", "w" + i, "RUNNING");
        List<GatewayLoad> loads = new ArrayList<>();
        JsonNode halted;
        try {
            for (int i = 0; i < 3; i++) loads.add(new GatewayLoad(plane.dev.gateway().port(), "w" + i + ".wayne.localhost"));
            await().atMost(Duration.ofSeconds(10)).until(() -> loads.stream().allMatch(l -> l.ok() > 3));
            JsonNode rollout = create(Map.of("service", "fleet", "release", "2.5.0", "selector", Map.of("tenants", List.of("wayne")),
                    "strategy", Map.of("canaryCount", 1, "bakeSeconds", 5, "analysis", Map.of("minRequests", 30))));
            halted = awaitState(rollout.path("id").asText(), "HALTED");
        } finally {
            for (GatewayLoad l : loads) l.close();
        }
        assertThat(halted.path("reason").asText()).contains("wave 0 failed its analysis gate: error rate ", "above the 1.0 % allowed");
        JsonNode gate = halted.path("gates").get(0);
        assertThat(gate.path("verdict").asText()).isEqualTo("FAILED");
        assertThat(gate.path("upgraded").path("requests").asLong()).isGreaterThanOrEqualTo(30);
        assertThat(gate.path("upgraded").path("errorPercent").asDouble()).as("every fifth request fails").isBetween(15.0, 25.0);
        assertThat(gate.path("baseline").path("errorPercent").asDouble()).as("the instances not upgraded yet").isZero();
        assertThat(gate.path("baseline").path("instances").asInt()).isEqualTo(2);
        halted.path("instances").forEach(i -> assertThat(i.path("state").asText()).isEqualTo(i.path("wave").asInt() == 0 ? "ROLLED_BACK" : "PENDING"));
        for (int i = 0; i < 3; i++) {
            assertThat(plane.awaitPhase("wayne", "w" + i, "RUNNING").path("spec").path("release").asText()).isEqualTo("1.0.0");
        }
        for (GatewayLoad l : loads) assertThat(l.failures()).allMatch(f -> f.startsWith("HTTP 500: injected failure"));
        assertThat(plane.get("/v1/audit?limit=1000").body()).contains("rollout.analysis-failed");
    }

    @Test
    void anAnalysisWithoutTrafficIsInconclusiveAndPausesTheRolloutUntilResumedWithTraffic() throws Exception {
        plane.createTenant("tyrell");
        createAtFirstRelease("tyrell", "quiet");
        plane.awaitPhase("tyrell", "quiet", "RUNNING");
        JsonNode rollout = create(Map.of("service", "fleet", "release", "2.0.0", "selector", Map.of("tenants", List.of("tyrell")),
                "strategy", Map.of("bakeSeconds", 3, "analysis", Map.of("minRequests", 20))));
        String id = rollout.path("id").asText();
        JsonNode paused = awaitState(id, "PAUSED");
        assertThat(paused.path("reason").asText()).contains("analysis inconclusive: only 0 request(s)", "resume to bake and analyse it again");
        assertThat(paused.path("gates").get(0).path("verdict").asText()).isEqualTo("INCONCLUSIVE");
        assertThat(plane.instance("tyrell", "quiet").path("spec").path("release").asText()).as("not rolled back: it may be fine").isEqualTo("2.0.0");

        JsonNode done;
        try (GatewayLoad load = new GatewayLoad(plane.dev.gateway().port(), "quiet.tyrell.localhost")) {
            await().atMost(Duration.ofSeconds(20)).until(() -> load.ok() >= 20);
            assertThat(plane.post("/v1/rollouts/" + id + "/resume", null).status()).isEqualTo(200);
            done = awaitState(id, "SUCCEEDED");
            assertThat(load.failures()).isEmpty();
        }
        assertThat(done.path("gates")).hasSize(2);
        JsonNode passed = done.path("gates").get(1);
        assertThat(passed.path("verdict").asText()).isEqualTo("PASSED");
        assertThat(passed.path("upgraded").path("requests").asLong()).isGreaterThanOrEqualTo(20);
        assertThat(passed.path("upgraded").path("errorPercent").asDouble()).isZero();
    }

    @Test
    void rolloutsPassPinnedInstancesByAndSaySo() {
        plane.createTenant("umbrella");
        plane.createTenant("hooli");
        for (String[] instance : new String[][] {{"umbrella", "u0"}, {"umbrella", "u1"}, {"hooli", "h0"}}) {
            createAtFirstRelease(instance[0], instance[1]);
        }
        for (String[] instance : new String[][] {{"umbrella", "u0"}, {"umbrella", "u1"}, {"hooli", "h0"}}) {
            plane.awaitPhase(instance[0], instance[1], "RUNNING");
        }
        TestPlane.Reply unknown = plane.callWithHeaders("PUT", "/v1/tenants/umbrella/instances/u0/pin", Map.of("release", "0.0.1"), Map.of());
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().path("errors").get(0).path("field").asText()).isEqualTo("release");
        TestPlane.Reply pin = plane.callWithHeaders("PUT", "/v1/tenants/umbrella/instances/u0/pin", Map.of("release", "1.0.0"), Map.of());
        assertThat(pin.status()).as(pin.body()).isEqualTo(200);
        assertThat(pin.json().path("pinnedRelease").asText()).isEqualTo("1.0.0");
        assertThat(plane.callWithHeaders("PUT", "/v1/tenants/hooli/pins/fleet", Map.of("release", "1.0.0"), Map.of()).status()).isEqualTo(200);
        long u0 = plane.instance("umbrella", "u0").path("generation").asLong();

        JsonNode rollout = awaitState(create(Map.of("service", "fleet", "release", "2.0.0",
                "selector", Map.of("tenants", List.of("umbrella", "hooli")))).path("id").asText(), "SUCCEEDED");
        Map<String, String> outcome = new HashMap<>();
        rollout.path("instances").forEach(i -> outcome.put(i.path("name").asText(), i.path("state").asText() + " " + i.path("reason").asText()));
        assertThat(outcome.get("u0")).isEqualTo("SKIPPED pinned to release 1.0.0");
        assertThat(outcome.get("h0")).isEqualTo("SKIPPED pinned to release 1.0.0 (tenant pin)");
        assertThat(outcome.get("u1")).startsWith("SUCCEEDED");
        assertThat(plane.instance("umbrella", "u0").path("generation").asLong()).as("a pinned instance is untouched").isEqualTo(u0);
        assertThat(plane.instance("hooli", "h0").path("spec").path("release").asText()).isEqualTo("1.0.0");

        assertThat(plane.callWithHeaders("PUT", "/v1/tenants/umbrella/instances/u1/pin", Map.of("release", "2.0.0"), Map.of()).status()).isEqualTo(200);
        TestPlane.Reply older = plane.post("/v1/rollouts", Map.of("service", "fleet", "release", "1.0.0", "selector", Map.of("tenants", List.of("umbrella"))));
        assertThat(older.status()).as("a target older than a pinned release").isEqualTo(400);
        assertThat(older.json().path("errors").get(0).path("field").asText()).isEqualTo("release");
        assertThat(older.body()).contains("pinned to");
        assertThat(plane.delete("/v1/tenants/umbrella/instances/u1/pin").json().has("pinnedRelease")).isFalse();
        assertThat(plane.delete("/v1/tenants/hooli/pins/fleet").status()).isEqualTo(204);
    }

    @Test
    void tenantsAreUpgradedOnlyInsideTheirMaintenanceWindowUnlessItIsAnEmergency() throws Exception {
        java.time.LocalTime now = java.time.LocalTime.now(java.time.ZoneOffset.UTC);
        Map<String, Object> closed = Map.of("start", hhmm(now.plusHours(3)), "durationMinutes", 60);
        for (String tenant : List.of("nightowl", "latenight")) {
            TestPlane.Reply created = plane.post("/v1/tenants", Map.of("id", tenant, "maintenanceWindow", closed));
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            createAtFirstRelease(tenant, "w");
        }
        createAtFirstRelease("nightowl", "w2");
        TestPlane.Reply bad = plane.callWithHeaders("PUT", "/v1/tenants/nightowl/maintenance-window", Map.of("start", "7pm", "durationMinutes", 60), Map.of());
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().path("errors").get(0).path("field").asText()).isEqualTo("maintenanceWindow.start");
        plane.awaitPhase("nightowl", "w", "RUNNING");
        plane.awaitPhase("nightowl", "w2", "RUNNING");
        plane.awaitPhase("latenight", "w", "RUNNING");

        String waiting = create(Map.of("service", "fleet", "release", "2.0.0", "selector", Map.of("tenants", List.of("nightowl")))).path("id").asText();
        // the pass that wrote this reason is the one that decided not to upgrade the instance
        await().atMost(Duration.ofSeconds(10)).until(() ->
                plane.get("/v1/rollouts/" + waiting).json().path("instances").get(0).path("reason").asText().startsWith("waiting for the tenant's maintenance window"));
        assertThat(plane.get("/v1/rollouts/" + waiting).json().path("instances").get(0).path("state").asText()).isEqualTo("PENDING");
        assertThat(plane.instance("nightowl", "w").path("spec").path("release").asText()).isEqualTo("1.0.0");
        assertThat(plane.post("/v1/rollouts/" + waiting + "/skip", Map.of("tenant", "nightowl", "name", "nobody")).status()).isEqualTo(404);
        TestPlane.Reply skipped = plane.post("/v1/rollouts/" + waiting + "/skip", Map.of("tenant", "nightowl", "name", "w2"));
        assertThat(skipped.status()).as(skipped.body()).isEqualTo(200);

        Map<String, Object> open = Map.of("start", hhmm(now.minusMinutes(10)), "durationMinutes", 120);
        assertThat(plane.callWithHeaders("PUT", "/v1/tenants/nightowl/maintenance-window", open, Map.of()).status()).isEqualTo(200);
        JsonNode done = awaitState(waiting, "SUCCEEDED");
        assertThat(plane.instance("nightowl", "w").path("spec").path("release").asText()).isEqualTo("2.0.0");
        assertThat(plane.instance("nightowl", "w2").path("spec").path("release").asText()).as("skipped").isEqualTo("1.0.0");
        done.path("instances").forEach(i -> {
            if (i.path("name").asText().equals("w2")) assertThat(i.path("reason").asText()).startsWith("skipped by admin");
        });

        JsonNode emergency = create(Map.of("service", "fleet", "release", "2.0.0", "emergency", true,
                "selector", Map.of("tenants", List.of("latenight"))));
        assertThat(emergency.path("emergency").asBoolean()).isTrue();
        awaitState(emergency.path("id").asText(), "SUCCEEDED");
        assertThat(plane.instance("latenight", "w").path("spec").path("release").asText()).as("an emergency ignores the window").isEqualTo("2.0.0");
    }

    @Test
    void aRolloutTouchingAProtectedTenantWaitsForApprovalByAnotherUser() throws Exception {
        for (String[] tenant : new String[][] {{"bigcorp", "enterprise"}, {"smallco", "free"}}) {
            TestPlane.Reply created = plane.post("/v1/tenants", Map.of("id", tenant[0], "labels", Map.of("tier", tenant[1])));
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            createAtFirstRelease(tenant[0], "t");
        }
        plane.awaitPhase("bigcorp", "t", "RUNNING");
        plane.awaitPhase("smallco", "t", "RUNNING");
        TestPlane.Reply badLabel = plane.callWithHeaders("PUT", "/v1/tenants/smallco/labels", Map.of("labels", Map.of("Bad Key", "x")), Map.of());
        assertThat(badLabel.status()).isEqualTo(400);
        assertThat(badLabel.json().path("errors").get(0).path("field").asText()).isEqualTo("labels.Bad Key");
        assertThat(plane.callWithHeaders("PUT", "/v1/protection", Map.of("tenantLabels", Map.of("tier", "enterprise")), Map.of()).status()).isEqualTo(200);
        String operator = plane.post("/v1/tokens", Map.of("name", "second operator", "role", "operator")).json().path("secret").asText();
        try {
            JsonNode waiting = create(Map.of("service", "fleet", "release", "2.0.0", "selector", Map.of("tenantLabels", Map.of("tier", "enterprise"))));
            assertThat(waiting.path("state").asText()).isEqualTo("AWAITING_APPROVAL");
            assertThat(waiting.path("approvalReason").asText()).isEqualTo("tenant bigcorp is protected (by its labels)");
            assertThat(waiting.path("instances")).hasSize(1);
            String id = waiting.path("id").asText();
            assertThat(plane.instance("bigcorp", "t").path("spec").path("release").asText()).as("nothing before the approval").isEqualTo("1.0.0");

            TestPlane.Reply byCreator = plane.post("/v1/rollouts/" + id + "/approve", null);
            assertThat(byCreator.status()).as("the creator cannot approve").isEqualTo(403);
            assertThat(byCreator.body()).contains("separation of duties");
            TestPlane.Reply approved = plane.call("POST", "/v1/rollouts/" + id + "/approve", null, operator);
            assertThat(approved.status()).as(approved.body()).isEqualTo(200);
            assertThat(approved.json().path("approvedBy").asText()).startsWith("second operator");
            awaitState(id, "SUCCEEDED");
            assertThat(plane.instance("bigcorp", "t").path("spec").path("release").asText()).isEqualTo("2.0.0");
            assertThat(plane.get("/v1/audit?limit=1000").body()).contains("rollout.approve");

            JsonNode free = create(Map.of("service", "fleet", "release", "2.0.0", "selector", Map.of("tenantLabels", Map.of("tier", "free"))));
            assertThat(free.path("state").asText()).as("nothing protected: no approval").isEqualTo("RUNNING");
            awaitState(free.path("id").asText(), "SUCCEEDED");
        } finally {
            plane.callWithHeaders("PUT", "/v1/protection", Map.of(), Map.of());
        }
    }

    @Test
    void releaseHooksRunOnUpgradeAndAFailingOneFailsTheUpgradeWithTheOldReplicaServing() throws Exception {
        String record = "[\"/bin/sh\", \"-c\", \"echo %s $TENANTRY_RELEASE >> {{instance.dataDir}}/migrations\"]";
        release("4.0.0", TestPlane.helloBlueprint("/healthz") + "hooks: {preUpgrade: " + record.formatted("before") + ", postUpgrade: "
                + record.formatted("after") + "}\n");
        release("5.0.0", TestPlane.helloBlueprint("/healthz").replace("{{params.greeting}}", "Five {{params.greeting}}")
                + "hooks: {preUpgrade: [\"/bin/sh\", \"-c\", \"echo schema too new; exit 3\"]}\n");
        plane.createTenant("hooked");
        createAtFirstRelease("hooked", "h");
        plane.awaitPhase("hooked", "h", "RUNNING");
        Map<String, Object> selector = Map.of("tenants", List.of("hooked"));
        awaitState(create(Map.of("service", "fleet", "release", "4.0.0", "selector", selector)).path("id").asText(), "SUCCEEDED");
        java.nio.file.Path dir = plane.home.resolve("cells/local/instances").resolve(plane.instance("hooked", "h").path("uid").asText());
        assertThat(dir.resolve("data/migrations")).as("the hooks of 4.0.0, before and after its replicas")
                .hasContent("before 4.0.0\nafter 4.0.0\n");
        long pid = plane.instance("hooked", "h").path("status").path("replicas").get(0).path("pid").asLong();

        JsonNode halted = awaitState(create(Map.of("service", "fleet", "release", "5.0.0", "selector", selector)).path("id").asText(), "HALTED");
        assertThat(halted.path("instances").get(0).path("state").asText()).isEqualTo("ROLLED_BACK");
        assertThat(java.nio.file.Files.readString(dir.resolve("logs/hooks.log"))).contains("pre-upgrade hook of release 5.0.0", "schema too new");
        JsonNode instance = plane.awaitPhase("hooked", "h", "RUNNING");
        assertThat(instance.path("spec").path("release").asText()).isEqualTo("4.0.0");
        assertThat(instance.path("status").path("replicas").get(0).path("pid").asLong()).as("the old replica served throughout").isEqualTo(pid);
        assertThat(plane.viaGateway("h.hooked.localhost", "/").body()).doesNotContain("Five");
    }

    private static String hhmm(java.time.LocalTime time) {
        return "%02d:%02d".formatted(time.getHour(), time.getMinute());
    }

    @Test
    void badRolloutsAreRefusedAndChangeNothing() {
        TestPlane.Reply unknown = plane.post("/v1/rollouts", Map.of("service", "fleet", "release", "9.9.9"));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().path("errors").get(0).path("field").asText()).isEqualTo("release");
        TestPlane.Reply badWaves = plane.post("/v1/rollouts", Map.of("service", "fleet", "release", "2.0.0",
                "strategy", Map.of("waves", List.of(50, 40))));
        assertThat(badWaves.status()).isEqualTo(400);
        assertThat(badWaves.json().path("errors").get(0).path("field").asText()).isEqualTo("strategy.waves[1]");
        TestPlane.Reply badAnalysis = plane.post("/v1/rollouts", Map.of("service", "fleet", "release", "2.0.0",
                "strategy", Map.of("analysis", Map.of("minRequests", 0, "maxErrorPercent", 150))));
        assertThat(badAnalysis.status()).isEqualTo(400);
        assertThat(badAnalysis.json().path("errors")).extracting(e -> e.path("field").asText())
                .containsExactly("strategy.analysis.minRequests", "strategy.analysis.maxErrorPercent");
        TestPlane.Reply nothing = plane.post("/v1/rollouts", Map.of("service", "fleet", "release", "2.0.0",
                "selector", Map.of("tenants", List.of("nobody"))));
        assertThat(nothing.status()).isEqualTo(400);
        assertThat(nothing.json().path("errors").get(0).path("field").asText()).isEqualTo("selector");
        int before = plane.get("/v1/rollouts").json().path("items").size();

        plane.createTenant("initech");
        createAtFirstRelease("initech", "solo");
        plane.awaitPhase("initech", "solo", "RUNNING");
        Map<String, Object> request = Map.of("service", "fleet", "release", "2.0.0", "selector", Map.of("tenants", List.of("initech")),
                "strategy", Map.of("bakeSeconds", 3600));
        String id = create(request).path("id").asText();
        TestPlane.Reply overlap = plane.post("/v1/rollouts", Map.of("service", "fleet", "release", "3.0.0",
                "selector", Map.of("tenants", List.of("initech"))));
        assertThat(overlap.status()).isEqualTo(409);
        assertThat(overlap.json().path("errors").get(0).path("field").asText()).isEqualTo("selector");
        assertThat(plane.post("/v1/rollouts/" + id + "/resume", null).status()).as("resuming a running rollout").isEqualTo(409);
        assertThat(plane.post("/v1/rollouts/" + id + "/pause", null).status()).isEqualTo(200);
        assertThat(plane.post("/v1/rollouts/" + id + "/abort", null).status()).isEqualTo(200);
        JsonNode aborted = awaitState(id, "ABORTED");
        assertThat(aborted.path("instances").get(0).path("state").asText()).isIn("ROLLED_BACK", "PENDING");
        TestPlane.Reply resume = plane.post("/v1/rollouts/" + id + "/resume", null);
        assertThat(resume.status()).as("resuming an aborted rollout").isEqualTo(409);
        assertThat(resume.json().path("errors").get(0).path("field").asText()).isEqualTo("state");
        assertThat(plane.get("/v1/rollouts").json().path("items").size()).isEqualTo(before + 1);
        assertThat(plane.awaitPhase("initech", "solo", "RUNNING").path("spec").path("release").asText()).isEqualTo("1.0.0");
    }

    private static void createAtFirstRelease(String tenant, String name) {
        TestPlane.Reply created = plane.post("/v1/tenants/" + tenant + "/instances",
                Map.of("name", name, "service", "fleet", "plan", "basic", "release", "1.0.0"));
        assertThat(created.status()).as(created.body()).isEqualTo(202);
    }

    private static void release(String version, String blueprint) {
        TestPlane.Reply r = plane.send("POST", "/v1/services/fleet/releases", "version: " + version + "\nblueprint:\n" + blueprint.indent(2),
                "application/yaml", plane.admin);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
    }

    private static JsonNode create(Map<String, Object> request) {
        TestPlane.Reply created = plane.post("/v1/rollouts", request);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json();
    }

    private static JsonNode awaitState(String id, String state) {
        JsonNode[] last = new JsonNode[1];
        try {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() -> {
                last[0] = plane.get("/v1/rollouts/" + id).json();
                return last[0].path("state").asText().equals(state);
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("rollout " + id + " did not become " + state + ": " + last[0], e);
        }
        return last[0];
    }

    private static Map<String, Long> generations(String tenant) {
        Map<String, Long> generations = new HashMap<>();
        for (int i = 0; i < FLEET; i++) generations.put("f" + i, plane.instance(tenant, "f" + i).path("generation").asLong());
        return generations;
    }
}
