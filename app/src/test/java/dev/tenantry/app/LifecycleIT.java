package dev.tenantry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Day-two operations on running instances with real processes and real requests through the gateway: update,
 * scale, stop and start, rolling restart, optimistic concurrency and conflicting operations.
 */
class LifecycleIT extends WithPlane {

    @Test
    void anUpdateReplacesTheReplicaWithoutAFailedRequest() throws Exception {
        String etag = running("acme", "upd");
        long oldPid = pids("acme", "upd").get(0);
        try (GatewayLoad load = new GatewayLoad(plane.dev.gateway().port(), "upd.acme.localhost")) {
            await().atMost(Duration.ofSeconds(10)).until(() -> load.ok() > 3);
            TestPlane.Reply accepted = plane.callWithHeaders("PATCH", "/v1/tenants/acme/instances/upd", Map.of("parameters", Map.of("greeting", "Bonjour")),
                    Map.of("If-Match", etag));
            assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
            assertThat(accepted.raw().headers().firstValue("ETag")).isPresent().get().isNotEqualTo(etag);
            JsonNode op = plane.awaitOperation(accepted.json().path("operation").path("id").asText());
            assertThat(op.path("state").asText()).as(op.toString()).isEqualTo("SUCCEEDED");
            assertThat(stepNames(op)).containsExactly("database=SUCCEEDED", "render=SUCCEEDED", "publish=SUCCEEDED", "apply=SUCCEEDED");
            int before = load.ok();
            await().atMost(Duration.ofSeconds(5)).until(() -> load.ok() > before + 3);
            assertThat(load.failures()).as("requests during the update").isEmpty();
        }
        assertThat(plane.viaGateway("upd.acme.localhost", "/").body()).contains("Bonjour, acme!");
        JsonNode instance = plane.instance("acme", "upd");
        assertThat(instance.path("generation").asLong()).isEqualTo(2);
        assertThat(instance.path("status").path("observedGeneration").asLong()).isEqualTo(2);
        assertThat(instance.path("spec").path("parameters").path("greeting").asText()).isEqualTo("Bonjour");
        await().atMost(Duration.ofSeconds(15)).until(() -> ProcessHandle.of(oldPid).map(p -> !p.isAlive()).orElse(true));
        assertThat(pids("acme", "upd")).hasSize(1).doesNotContain(oldPid);
    }

    @Test
    void scalesUpAndDownWithinThePlansLimits() {
        running("acme", "scaly");
        long first = pids("acme", "scaly").get(0);

        JsonNode up = plane.awaitOperation(plane.post("/v1/tenants/acme/instances/scaly/scale", Map.of("replicas", 3))
                .json().path("operation").path("id").asText());
        assertThat(up.path("state").asText()).as(up.toString()).isEqualTo("SUCCEEDED");
        List<Long> three = pids("acme", "scaly");
        assertThat(new HashSet<>(three)).hasSize(3).contains(first);
        three.forEach(pid -> assertThat(ProcessHandle.of(pid)).as("replica process " + pid).isPresent());
        for (int i = 0; i < 12; i++) {
            assertThat(plane.viaGateway("scaly.acme.localhost", "/").status()).isEqualTo(200);
        }

        TestPlane.Reply tooMany = plane.post("/v1/tenants/acme/instances/scaly/scale", Map.of("replicas", 4));
        assertThat(tooMany.status()).isEqualTo(400);
        assertThat(tooMany.json().path("errors").get(0).path("field").asText()).isEqualTo("replicas");
        TestPlane.Reply tooBig = plane.post("/v1/tenants/acme/instances/scaly/scale", Map.of("size", Map.of("memoryMb", 4096)));
        assertThat(tooBig.status()).isEqualTo(400);
        assertThat(tooBig.json().path("errors").get(0).path("field").asText()).isEqualTo("size.memoryMb");
        TestPlane.Reply nothing = plane.post("/v1/tenants/acme/instances/scaly/scale", Map.of());
        assertThat(nothing.status()).isEqualTo(400);
        assertThat(plane.instance("acme", "scaly").path("generation").asLong()).as("bad input changes nothing").isEqualTo(2);

        JsonNode down = plane.awaitOperation(plane.post("/v1/tenants/acme/instances/scaly/scale", Map.of("replicas", 1))
                .json().path("operation").path("id").asText());
        assertThat(down.path("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(pids("acme", "scaly")).containsExactly(first);
        three.stream().filter(pid -> pid != first).forEach(pid ->
                await().atMost(Duration.ofSeconds(15)).until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true)));
    }

    @Test
    void stopsAndStartsKeepingTheInstance() {
        running("globex", "pausy");
        long pid = pids("globex", "pausy").get(0);

        JsonNode stop = plane.awaitOperation(plane.post("/v1/tenants/globex/instances/pausy/stop", null).json().path("operation").path("id").asText());
        assertThat(stop.path("state").asText()).as(stop.toString()).isEqualTo("SUCCEEDED");
        JsonNode stopped = plane.instance("globex", "pausy");
        assertThat(stopped.path("status").path("phase").asText()).isEqualTo("STOPPED");
        assertThat(stopped.path("status").path("replicas")).isEmpty();
        await().atMost(Duration.ofSeconds(15)).until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
        await().atMost(Duration.ofSeconds(5)).until(() -> plane.viaGateway("pausy.globex.localhost", "/").status() == 503);
        TestPlane.Reply whileStopped = plane.viaGateway("pausy.globex.localhost", "/");
        assertThat(whileStopped.raw().headers().firstValue("Retry-After")).as("a stopped instance does not come back by itself").isEmpty();
        assertThat(whileStopped.body()).contains("is stopped");

        TestPlane.Reply again = plane.post("/v1/tenants/globex/instances/pausy/stop", null);
        assertThat(again.status()).isEqualTo(409);
        assertThat(plane.post("/v1/tenants/globex/instances/pausy/restart", null).status()).isEqualTo(409);

        JsonNode start = plane.awaitOperation(plane.post("/v1/tenants/globex/instances/pausy/start", null).json().path("operation").path("id").asText());
        assertThat(start.path("state").asText()).as(start.toString()).isEqualTo("SUCCEEDED");
        assertThat(plane.instance("globex", "pausy").path("status").path("phase").asText()).isEqualTo("RUNNING");
        assertThat(plane.viaGateway("pausy.globex.localhost", "/").status()).isEqualTo(200);
        assertThat(plane.post("/v1/tenants/globex/instances/pausy/start", null).status()).isEqualTo(409);
    }

    @Test
    void aRollingRestartReplacesEveryReplicaWithoutAFailedRequest() throws Exception {
        running("globex", "rolly");
        plane.awaitOperation(plane.post("/v1/tenants/globex/instances/rolly/scale", Map.of("replicas", 2)).json().path("operation").path("id").asText());
        List<Long> before = pids("globex", "rolly");
        assertThat(before).hasSize(2);
        try (GatewayLoad load = new GatewayLoad(plane.dev.gateway().port(), "rolly.globex.localhost")) {
            await().atMost(Duration.ofSeconds(10)).until(() -> load.ok() > 3);
            JsonNode op = plane.awaitOperation(plane.post("/v1/tenants/globex/instances/rolly/restart", null).json().path("operation").path("id").asText());
            assertThat(op.path("state").asText()).as(op.toString()).isEqualTo("SUCCEEDED");
            assertThat(load.failures()).as("requests during the restart").isEmpty();
        }
        List<Long> after = pids("globex", "rolly");
        assertThat(after).hasSize(2).doesNotContainAnyElementsOf(before);
    }

    @Test
    void aStaleIfMatchIs412AndAConcurrentChangeIs409() {
        String etag = running("acme", "racy");
        TestPlane.Reply first = plane.callWithHeaders("POST", "/v1/tenants/acme/instances/racy/scale", Map.of("replicas", 2), Map.of("If-Match", etag));
        assertThat(first.status()).isEqualTo(202);

        TestPlane.Reply stale = plane.callWithHeaders("POST", "/v1/tenants/acme/instances/racy/scale", Map.of("replicas", 3), Map.of("If-Match", etag));
        assertThat(stale.status()).isEqualTo(412);
        assertThat(stale.contentType()).startsWith("application/problem+json");
        assertThat(stale.json().path("errors").get(0).path("field").asText()).isEqualTo("If-Match");

        TestPlane.Reply busy = plane.post("/v1/tenants/acme/instances/racy/stop", null);
        assertThat(busy.status()).as(busy.body()).isEqualTo(409);
        assertThat(busy.json().path("detail").asText()).contains(first.json().path("operation").path("id").asText());

        plane.awaitOperation(first.json().path("operation").path("id").asText());
        JsonNode instance = plane.instance("acme", "racy");
        assertThat(instance.path("generation").asLong()).isEqualTo(2);
        assertThat(instance.path("spec").path("replicas").asInt()).isEqualTo(2);
    }

    @Test
    void aFailedUpdateKeepsThePreviousReplicaServing() {
        plane.createService("tunable", """
                components:
                  - name: web
                    command: ["%s", "-Xmx{{params.heapMb}}m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", "%s", "dev.tenantry.examples.hello.HelloApp"]
                    ports: [{name: http}]
                    health: {type: http, port: http, path: /healthz, intervalMillis: 200}
                parameters:
                  - {name: heapMb, type: integer, default: 48}
                """.formatted(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java"),
                dev.tenantry.examples.hello.HelloBlueprint.classpath()));
        plane.createInstance("acme", "tuned", "tunable", "basic");
        plane.awaitPhase("acme", "tuned", "RUNNING");
        long pid = pids("acme", "tuned").get(0);

        TestPlane.Reply accepted = plane.callWithHeaders("PATCH", "/v1/tenants/acme/instances/tuned", Map.of("parameters", Map.of("heapMb", 1)), Map.of());
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        JsonNode op = plane.awaitOperation(accepted.json().path("operation").path("id").asText());
        assertThat(op.path("state").asText()).isEqualTo("FAILED");
        assertThat(op.path("error").asText()).contains("replacing web-0 failed");

        JsonNode instance = plane.instance("acme", "tuned");
        assertThat(instance.path("status").path("phase").asText()).isEqualTo("RUNNING");
        assertThat(instance.path("status").path("message").asText()).contains("the last change failed");
        assertThat(pids("acme", "tuned")).containsExactly(pid);
        assertThat(plane.viaGateway("tuned.acme.localhost", "/").status()).isEqualTo(200);

        JsonNode fixed = plane.awaitOperation(plane.callWithHeaders("PATCH", "/v1/tenants/acme/instances/tuned", Map.of("parameters", Map.of("heapMb", 64)), Map.of())
                .json().path("operation").path("id").asText());
        assertThat(fixed.path("state").asText()).as(fixed.toString()).isEqualTo("SUCCEEDED");
        assertThat(plane.instance("acme", "tuned").path("status").path("conditions").toString()).contains("Healthy");
    }

    @Test
    void aRetriedCreateWithTheSameIdempotencyKeyMakesOneInstance() throws Exception {
        Map<String, Object> body = Map.of("name", "idem", "service", "hello", "plan", "starter");
        Map<String, String> key = Map.of("Idempotency-Key", "create-idem-1");
        List<java.util.concurrent.Future<TestPlane.Reply>> concurrent = new ArrayList<>();
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 4; i++) concurrent.add(pool.submit(() -> plane.callWithHeaders("POST", "/v1/tenants/globex/instances", body, key)));
        }
        Set<String> uids = new HashSet<>();
        Set<String> operations = new HashSet<>();
        int replayed = 0;
        for (var f : concurrent) {
            TestPlane.Reply r = f.get();
            assertThat(r.status()).as(r.body()).isEqualTo(202);
            uids.add(r.json().path("instance").path("uid").asText());
            operations.add(r.json().path("operation").path("id").asText());
            if (r.raw().headers().firstValue("Idempotent-Replayed").isPresent()) replayed++;
        }
        assertThat(uids).hasSize(1);
        assertThat(operations).hasSize(1);
        assertThat(replayed).isEqualTo(3);
        plane.awaitPhase("globex", "idem", "RUNNING");
        TestPlane.Reply later = plane.callWithHeaders("POST", "/v1/tenants/globex/instances", body, key);
        assertThat(later.status()).isEqualTo(202);
        assertThat(later.json().path("instance").path("uid").asText()).isEqualTo(uids.iterator().next());
        assertThat(later.json().path("instance").path("status").path("phase").asText()).isEqualTo("RUNNING");

        TestPlane.Reply other = plane.callWithHeaders("POST", "/v1/tenants/globex/instances",
                Map.of("name", "idem2", "service", "hello", "plan", "starter"), key);
        assertThat(other.status()).isEqualTo(422);
        assertThat(other.json().path("errors").get(0).path("field").asText()).isEqualTo("Idempotency-Key");
        List<String> names = new ArrayList<>();
        plane.get("/v1/tenants/globex/instances").json().path("items").forEach(i -> names.add(i.path("name").asText()));
        assertThat(names).contains("idem").doesNotContain("idem2");
        assertThat(names.stream().filter("idem"::equals)).hasSize(1);
    }

    @Test
    void aHibernatedInstanceWakesOnTheFirstRequestWithoutAnError() {
        running("globex", "sleepy");
        long pid = pids("globex", "sleepy").get(0);
        assertThat(plane.post("/v1/tenants/globex/instances/sleepy/wake", null).status()).as("not hibernated").isEqualTo(409);

        JsonNode hibernate = plane.awaitOperation(plane.post("/v1/tenants/globex/instances/sleepy/hibernate", null).json().path("operation").path("id").asText());
        assertThat(hibernate.path("state").asText()).as(hibernate.toString()).isEqualTo("SUCCEEDED");
        assertThat(plane.instance("globex", "sleepy").path("status").path("phase").asText()).isEqualTo("HIBERNATED");
        await().atMost(Duration.ofSeconds(15)).until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
        assertThat(plane.post("/v1/tenants/globex/instances/sleepy/restart", null).status()).isEqualTo(409);

        long started = System.nanoTime();
        TestPlane.Reply first = plane.viaGateway("sleepy.globex.localhost", "/");
        long wokeInMs = (System.nanoTime() - started) / 1_000_000;
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(first.body()).contains("<dd id=\"tenant\">globex</dd>");
        assertThat(wokeInMs).as("held while the instance started, not refused").isGreaterThan(20);

        JsonNode woken = plane.awaitPhase("globex", "sleepy", "RUNNING");
        assertThat(woken.path("spec").path("hibernated").asBoolean()).isFalse();
        JsonNode wake = plane.awaitOperation(woken.path("lastOperation").asText());
        assertThat(wake.path("type").asText()).isEqualTo("instance.wake");
        assertThat(wake.path("actor").asText()).startsWith("system");
        assertThat(wake.path("state").asText()).isEqualTo("SUCCEEDED");
        long wokenPid = pids("globex", "sleepy").get(0);
        assertThat(plane.viaGateway("sleepy.globex.localhost", "/").status()).isEqualTo(200);
        assertThat(pids("globex", "sleepy")).as("the spec following the wake restarts nothing").containsExactly(wokenPid);

        plane.awaitOperation(plane.post("/v1/tenants/globex/instances/sleepy/hibernate", null).json().path("operation").path("id").asText());
        JsonNode explicit = plane.awaitOperation(plane.post("/v1/tenants/globex/instances/sleepy/wake", null).json().path("operation").path("id").asText());
        assertThat(explicit.path("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(plane.viaGateway("sleepy.globex.localhost", "/").status()).isEqualTo(200);
    }

    @Test
    void requestsArrivingWhileAnInstanceHibernatesAndWakesAreHeldAndAnsweredNeverFailed() throws Exception {
        running("acme", "dozy");
        try (GatewayLoad load = new GatewayLoad(plane.dev.gateway().port(), "dozy.acme.localhost", Duration.ofMillis(50))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> load.ok() > 5);
            JsonNode hibernate = plane.awaitOperation(plane.post("/v1/tenants/acme/instances/dozy/hibernate", null).json()
                    .path("operation").path("id").asText());
            assertThat(hibernate.path("state").asText()).as(hibernate.toString()).isEqualTo("SUCCEEDED");
            // the load's next request wakes it again at once; its requests wait for the wake
            await().atMost(TestPlane.WAIT).until(() -> plane.instance("acme", "dozy").path("spec").path("hibernated").asBoolean(true) == false
                    && plane.instance("acme", "dozy").path("status").path("phase").asText().equals("RUNNING"));
            int before = load.ok();
            await().atMost(Duration.ofSeconds(10)).until(() -> load.ok() > before + 10);
            assertThat(load.failures()).as("requests through the hibernation and the wake that followed").isEmpty();
        }
    }

    @Test
    void theOperationAndStatusFollowTheRolloutReplicaByReplica() {
        running("acme", "steps");
        Set<String> scaling = progressOf(plane.post("/v1/tenants/acme/instances/steps/scale", Map.of("replicas", 3)));
        assertThat(scaling).as("messages while the new replicas start").anyMatch(m -> m.matches("waiting for web-[12](, web-2)? to become healthy"));

        Set<String> restarting = progressOf(plane.post("/v1/tenants/acme/instances/steps/restart", null));
        for (int slot = 0; slot < 3; slot++) {
            assertThat(restarting).as("messages of the rolling restart").contains("replacing web-" + slot + ": starting its new replica");
        }
    }

    /** Every message that the apply step of the accepted operation and the instance's status showed until it succeeded. */
    private static Set<String> progressOf(TestPlane.Reply accepted) {
        String op = accepted.json().path("operation").path("id").asText();
        String instance = accepted.json().path("instance").path("name").asText();
        Set<String> stepMessages = new java.util.LinkedHashSet<>();
        Set<String> statusMessages = new java.util.LinkedHashSet<>();
        // polled often: a replica is seen healthy within milliseconds, so a rolling step's message may show for under 50 ms
        await().atMost(TestPlane.WAIT).pollInterval(Duration.ofMillis(5)).until(() -> {
            JsonNode operation = plane.get("/v1/operations/" + op).json();
            operation.path("steps").forEach(s -> {
                if (s.path("name").asText().equals("apply")) stepMessages.add(s.path("message").asText());
            });
            statusMessages.add(plane.instance("acme", instance).path("status").path("message").asText());
            return operation.path("state").asText().equals("SUCCEEDED");
        });
        stepMessages.retainAll(statusMessages); // a progress message shows in both
        return stepMessages;
    }

    /** Creates the instance on the starter plan, waits until it runs, returns its ETag. */
    private static String running(String tenant, String name) {
        assertThat(plane.createInstance(tenant, name, "hello", "starter").status()).isEqualTo(202);
        plane.awaitPhase(tenant, name, "RUNNING");
        return plane.get("/v1/tenants/" + tenant + "/instances/" + name).raw().headers().firstValue("ETag").orElseThrow();
    }

    private static List<Long> pids(String tenant, String name) {
        List<Long> pids = new ArrayList<>();
        plane.instance(tenant, name).path("status").path("replicas").forEach(r -> pids.add(r.path("pid").asLong()));
        return pids;
    }

    private static List<String> stepNames(JsonNode op) {
        List<String> steps = new ArrayList<>();
        op.path("steps").forEach(s -> steps.add(s.path("name").asText() + "=" + s.path("state").asText()));
        return steps;
    }
}
