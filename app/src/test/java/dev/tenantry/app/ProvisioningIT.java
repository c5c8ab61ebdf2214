package dev.tenantry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Provisioning end to end with real processes: server, agent, process driver and gateway in one JVM, real PostgreSQL. */
class ProvisioningIT extends WithPlane {

    @Test
    void provisionsAnInstanceReachableThroughTheGatewayThenDeletesIt() {
        TestPlane.Reply accepted = plane.createInstance("acme", "web", "hello", "starter");
        assertThat(accepted.status()).isEqualTo(202);
        String opId = accepted.json().path("operation").path("id").asText();
        assertThat(accepted.raw().headers().firstValue("Operation-Location")).contains("/v1/operations/" + opId);
        // the first pass ran with the create: placed and handed to the agent by the time it answers
        assertThat(accepted.json().path("instance").path("status").path("phase").asText()).isEqualTo("PROVISIONING");
        assertThat(accepted.json().path("instance").path("status").path("cell").asText()).isEqualTo("local");
        List<String> answered = new ArrayList<>();
        accepted.json().path("operation").path("steps").forEach(s -> answered.add(s.path("name").asText() + "=" + s.path("state").asText()));
        assertThat(answered).startsWith("place=SUCCEEDED", "database=SUCCEEDED", "render=SUCCEEDED", "publish=SUCCEEDED");

        JsonNode running = plane.awaitPhase("acme", "web", "RUNNING");
        assertThat(running.path("status").path("endpoint").asText()).isEqualTo("http://web.acme.localhost:" + plane.dev.gateway().port() + "/");
        assertThat(running.path("status").path("observedGeneration").asLong()).isEqualTo(1);
        assertThat(running.path("status").path("cell").asText()).isEqualTo("local");

        TestPlane.Reply page = plane.viaGateway("web.acme.localhost", "/");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("<dd id=\"tenant\">acme</dd>", "<dd id=\"instance\">web</dd>",
                "<dd id=\"release\">" + plane.dev.exampleRelease() + "</dd>");

        JsonNode op = plane.get("/v1/operations/" + opId).json();
        assertThat(op.path("state").asText()).isEqualTo("SUCCEEDED");
        List<String> steps = new ArrayList<>();
        op.path("steps").forEach(s -> steps.add(s.path("name").asText() + "=" + s.path("state").asText()));
        assertThat(steps).containsExactly("place=SUCCEEDED", "database=SUCCEEDED", "render=SUCCEEDED", "publish=SUCCEEDED", "start=SUCCEEDED", "route=SUCCEEDED");

        long pid = running.path("status").path("replicas").get(0).path("pid").asLong();
        assertThat(ProcessHandle.of(pid)).isPresent();

        TestPlane.Reply deleting = plane.delete("/v1/tenants/acme/instances/web");
        assertThat(deleting.status()).isEqualTo(202);
        plane.awaitPhase("acme", "web", "DELETED");
        await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
        await().atMost(Duration.ofSeconds(10)).until(() -> plane.viaGateway("web.acme.localhost", "/").status() == 404);
        assertThat(plane.get("/v1/tenants/acme/instances").json().path("items")).isEmpty();
        assertThat(plane.get("/v1/tenants/acme/instances?includeDeleted=true").json().path("items").get(0).path("status").path("phase").asText())
                .isEqualTo("DELETED");

        JsonNode audit = plane.get("/v1/audit?tenant=acme").json().path("items");
        List<String> actions = new ArrayList<>();
        audit.forEach(a -> actions.add(a.path("actor").asText().split(" ")[0] + " " + a.path("action").asText()));
        assertThat(actions).contains("admin POST /v1/tenants/{tenant}/instances", "system instance.running",
                "admin DELETE /v1/tenants/{tenant}/instances/{name}", "system instance.deleted");
    }

    @Test
    void restartsAReplicaWhoseProcessIsKilled() {
        plane.createInstance("globex", "shop", "hello", "starter");
        JsonNode running = plane.awaitPhase("globex", "shop", "RUNNING");
        long pid = running.path("status").path("replicas").get(0).path("pid").asLong();

        ProcessHandle.of(pid).orElseThrow().destroyForcibly();

        await().atMost(TestPlane.WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
            JsonNode replica = plane.instance("globex", "shop").path("status").path("replicas").get(0);
            return replica != null && replica.path("restarts").asInt() >= 1 && replica.path("healthy").asBoolean()
                    && replica.path("pid").asLong() != pid;
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> plane.viaGateway("shop.globex.localhost", "/").status() == 200);
        assertThat(plane.instance("globex", "shop").path("status").path("phase").asText()).isEqualTo("RUNNING");
    }

    @Test
    void aCommandThatCannotStartFailsTheInstanceWithTheAgentsReason() {
        plane.createService("broken", """
                components:
                  - name: app
                    command: ["/nonexistent/bin/app"]
                """);
        String opId = plane.createInstance("acme", "broken", "broken", "basic").json().path("operation").path("id").asText();
        JsonNode failed = plane.awaitPhase("acme", "broken", "FAILED");
        assertThat(failed.path("status").path("message").asText()).contains("command not found: /nonexistent/bin/app");
        await().atMost(Duration.ofSeconds(10)).until(() -> plane.get("/v1/operations/" + opId).json().path("state").asText().equals("FAILED"));
        assertThat(plane.get("/v1/operations/" + opId).json().path("error").asText()).contains("command not found: /nonexistent/bin/app");
    }

    @Test
    void aCrashLoopFailsTheInstanceWithTheExitCodeAndLastOutput() {
        plane.createService("crashy", """
                components:
                  - name: app
                    command: ["/bin/sh", "-c", "echo database unreachable >&2; exit 3"]
                """);
        plane.createInstance("globex", "crashy", "crashy", "basic");
        JsonNode failed = plane.awaitPhase("globex", "crashy", "FAILED");
        assertThat(failed.path("status").path("message").asText()).contains("exited with code 3: database unreachable");
    }

    @Test
    void anInstanceWithoutAHealthyReplicaAnswers503WithRetryAfter() {
        plane.createService("unhealthy", TestPlane.helloBlueprint("/never-healthy"));
        plane.createInstance("acme", "sick", "unhealthy", "basic");
        await().atMost(TestPlane.WAIT).until(() -> plane.viaGateway("sick.acme.localhost", "/").status() == 503);
        TestPlane.Reply reply = plane.viaGateway("sick.acme.localhost", "/");
        assertThat(reply.raw().headers().firstValue("Retry-After")).contains("1");
        assertThat(reply.contentType()).startsWith("application/problem+json");
        assertThat(plane.instance("acme", "sick").path("status").path("phase").asText()).isEqualTo("PROVISIONING");
    }

    @Test
    void aLaunchedReplicaThatIsNotHealthyYetShowsWithinSeconds() {
        // its launch is reported with the agent's next report, within a second; not at the next heartbeat (10 s)
        plane.createService("slow", TestPlane.helloBlueprint("/not-yet"));
        long created = System.nanoTime();
        plane.createInstance("globex", "slowpoke", "slow", "basic");
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                .until(() -> plane.instance("globex", "slowpoke").path("status").path("replicas").path(0).hasNonNull("pid"));
        assertThat(plane.instance("globex", "slowpoke").path("status").path("replicas").path(0).path("healthy").asBoolean())
                .as("launched, not healthy").isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - created)).isLessThan(Duration.ofSeconds(5));
        assertThat(plane.delete("/v1/tenants/globex/instances/slowpoke").status()).isEqualTo(202);
    }

    @Test
    void agentsReceiveTheWholeDesiredStateFirstAndThenOnlyChanges() {
        JsonNode full = plane.asAgent("/v1/cells/local/desired?after=-1&wait=0").json();
        assertThat(full.path("full").asBoolean()).isTrue();
        long revision = full.path("revision").asLong();

        String uid = plane.createInstance("acme", "delta", "hello", "starter").json().path("instance").path("uid").asText();
        JsonNode added = plane.asAgent("/v1/cells/local/desired?after=" + revision + "&wait=30").json();
        assertThat(added.path("full").asBoolean()).isFalse();
        assertThat(added.path("deployments")).extracting(d -> d.path("instanceUid").asText()).containsExactly(uid);
        assertThat(added.path("removed")).isEmpty();

        plane.awaitPhase("acme", "delta", "RUNNING");
        long afterAdd = added.path("revision").asLong();
        plane.delete("/v1/tenants/acme/instances/delta");
        JsonNode removed = plane.asAgent("/v1/cells/local/desired?after=" + afterAdd + "&wait=30").json();
        assertThat(removed.path("deployments")).isEmpty();
        assertThat(removed.path("removed")).extracting(JsonNode::asText).containsExactly(uid);
        plane.awaitPhase("acme", "delta", "DELETED");

        JsonNode now = plane.asAgent("/v1/cells/local/desired?after=-1&wait=0").json();
        assertThat(now.path("deployments")).extracting(d -> d.path("instanceUid").asText()).doesNotContain(uid);
        String nowhere = plane.post("/v1/tokens", java.util.Map.of("name", "agent of nowhere", "role", "agent", "cell", "nowhere"))
                .json().path("secret").asText();
        assertThat(plane.call("GET", "/v1/cells/nowhere/desired?after=-1&wait=0", null, nowhere).status()).as("never registered").isEqualTo(404);
        assertThat(plane.get("/v1/cells/local/desired?after=-1&wait=0").status()).as("an admin is not the cell's agent").isEqualTo(403);
    }

    @Test
    void anUnknownHostIs404() {
        TestPlane.Reply reply = plane.viaGateway("nothing.nobody.localhost", "/");
        assertThat(reply.status()).isEqualTo(404);
        assertThat(reply.json().path("detail").asText()).contains("nothing.nobody.localhost");
    }
}
