package dev.tenantry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The built-in alert rules on real processes and real traffic: an instance stopped from outside (SIGSTOP) fires
 * instance-not-ready and resolves once it runs again (SIGCONT); a release answering half its requests with a 500 fires
 * error-rate; a cell whose agent falls silent fires cell-offline and its instances are re-placed on another cell as
 * operations; tenants see their own alerts only; overrides are validated.
 */
class AlertsIT {
    private static final Duration ALERT_WAIT = Duration.ofSeconds(60);
    private static TestPlane plane;
    private static String acmeViewer;
    private static String globexViewer;
    private static final List<JsonNode> events = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        plane = TestPlane.start();
        plane.createTenant("acme");
        plane.createTenant("globex");
        acmeViewer = token(Map.of("name", "acme viewer", "role", "viewer", "tenant", "acme"));
        globexViewer = token(Map.of("name", "globex viewer", "role", "viewer", "tenant", "globex"));
        plane.followEvents("/v1/events", events);
    }

    @AfterAll
    static void stop() throws Exception {
        plane.close();
    }

    @Test
    void anInstanceStoppedFromOutsideFiresNotReadyAndResolvesWhenItRunsAgain() throws Exception {
        override("instance-not-ready", Map.of("tenant", "acme", "threshold", 2));
        assertThat(plane.createInstance("acme", "web", "hello", "starter").status()).isEqualTo(202);
        long pid = plane.awaitPhase("acme", "web", "RUNNING").path("status").path("replicas").get(0).path("pid").asLong();

        signal("STOP", pid);
        JsonNode firing;
        try {
            firing = awaitAlert("acme", "instance-not-ready", "acme/web", "firing", plane.admin);
        } finally {
            signal("CONT", pid);
        }
        assertThat(firing.path("tenant").asText()).isEqualTo("acme");
        assertThat(firing.path("subject").asText()).isEqualTo("tenants/acme/web");
        assertThat(firing.path("figures").path("threshold").asDouble()).isEqualTo(2.0);
        assertThat(firing.path("figures").path("notReadySince").asText()).isNotEmpty();
        assertThat(firing.path("message").asText()).contains("acme/web has not been ready");

        JsonNode resolved = awaitAlert("acme", "instance-not-ready", "acme/web", "resolved", plane.admin);
        assertThat(resolved.path("id").asText()).isEqualTo(firing.path("id").asText());
        assertThat(resolved.path("resolvedAt").asText()).isNotEmpty();
        await().atMost(Duration.ofSeconds(10)).until(() -> eventTypes("alert.").containsAll(List.of("alert.firing", "alert.resolved")));
        JsonNode firedEvent = events.stream().filter(e -> e.path("type").asText().equals("alert.firing")
                && e.path("data").path("id").asText().equals(firing.path("id").asText())).findFirst().orElseThrow();
        assertThat(firedEvent.path("tenant").asText()).isEqualTo("acme");

        // a tenant sees its own alerts, never another's
        assertThat(alerts("tenant=acme", acmeViewer)).extracting(a -> a.path("id").asText()).contains(firing.path("id").asText());
        assertThat(alerts("", globexViewer)).noneMatch(a -> a.path("tenant").asText().equals("acme"));
        assertThat(plane.call("GET", "/v1/alerts?tenant=acme", null, globexViewer).status()).isEqualTo(404);
        assertThat(plane.call("GET", "/v1/alerts/" + firing.path("id").asText(), null, globexViewer).status()).isEqualTo(404);
        assertThat(plane.call("GET", "/v1/alerts/" + firing.path("id").asText(), null, acmeViewer).status()).isEqualTo(200);
    }

    @Test
    void aReleaseAnsweringHalfItsRequestsWith500FiresTheErrorRateRule() {
        plane.createService("flaky", TestPlane.helloBlueprint("/healthz").replace("env: {GREETING: \"{{params.greeting}}\"}",
                "env: {GREETING: \"{{params.greeting}}\", FAIL_EVERY: \"2\"}"));
        assertThat(plane.createInstance("globex", "flaky", "flaky", "basic").status()).isEqualTo(202);
        String host = plane.awaitPhase("globex", "flaky", "RUNNING").path("status").path("endpoint").asText();
        int failed = 0;
        for (int i = 0; i < 40; i++) if (plane.viaGateway(URI.create(host).getHost(), "/").status() == 500) failed++;
        assertThat(failed).as("FAIL_EVERY=2 fails every other page").isBetween(15, 25);

        JsonNode firing = awaitAlert("globex", "error-rate", "globex/flaky", "firing", globexViewer);
        assertThat(firing.path("figures").path("requests").asLong()).isGreaterThanOrEqualTo(20);
        assertThat(firing.path("figures").path("errorPercent").asDouble()).isBetween(30.0, 70.0);
        assertThat(firing.path("figures").path("threshold").asDouble()).as("the default").isEqualTo(5.0);
        assertThat(alerts("", acmeViewer)).noneMatch(a -> a.path("tenant").asText().equals("globex"));
    }

    @Test
    void aSilentCellFiresCellOfflineAndItsInstancesAreReplacedOnAnotherCell() throws Exception {
        // one instance on local, so that the empty roomy cell "far" is the least loaded
        assertThat(plane.createInstance("acme", "anchor", "hello", "starter").status()).isEqualTo(202);
        plane.awaitPhase("acme", "anchor", "RUNNING");
        String farAgent = token(Map.of("name", "far agent", "role", "agent", "cell", "far"));
        String template = plane.get("/v1/cells/local").json().path("endpointTemplate").asText();
        assertThat(plane.call("PUT", "/v1/cells/far", Map.of("region", "far", "driver", "process", "capacity", 1000, "baseDomain", "localhost",
                "endpointTemplate", template), farAgent).status()).isEqualTo(200);
        report(farAgent);
        assertThat(plane.createInstance("acme", "roamer", "hello", "starter").status()).isEqualTo(202);
        await().atMost(TestPlane.WAIT).until(() -> "far".equals(plane.instance("acme", "roamer").path("status").path("cell").asText()));
        long farRevision = plane.get("/v1/cells/far").json().path("revision").asLong();
        String uid = plane.instance("acme", "roamer").path("uid").asText();

        // at least 15 s: an agent reports every 10 s, so local's own heartbeats keep it clear of both
        override("cell-offline", Map.of("threshold", 15));
        override("replace-offline-cell", Map.of("threshold", 20));
        JsonNode offline = awaitAlert(null, "cell-offline", "cell far", "firing", plane.admin);
        assertThat(offline.path("tenant").isNull() || offline.path("tenant").isMissingNode()).isTrue();
        assertThat(alerts("", acmeViewer)).as("the provider's own alerts are not a tenant's").noneMatch(a -> a.path("rule").asText().equals("cell-offline"));

        await().atMost(ALERT_WAIT).pollInterval(Duration.ofMillis(500)).until(() -> {
            plane.dev.server().services().alerts().evaluate();
            return "local".equals(plane.instance("acme", "roamer").path("status").path("cell").asText());
        });
        JsonNode moved = plane.awaitPhase("acme", "roamer", "RUNNING");
        assertThat(moved.path("status").path("cell").asText()).isEqualTo("local");
        JsonNode operation = plane.get("/v1/operations/" + moved.path("lastOperation").asText()).json();
        assertThat(operation.path("type").asText()).isEqualTo("instance.replace");
        assertThat(operation.path("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(operation.path("actor").asText()).contains("cell far has been silent for");
        assertThat(plane.viaGateway(URI.create(moved.path("status").path("endpoint").asText()).getHost(), "/").status()).isEqualTo(200);
        assertThat(eventTypes("instance.")).contains("instance.replaced");
        // when far's agent comes back, its desired state tells it to stop the instance
        JsonNode desired = plane.call("GET", "/v1/cells/far/desired?after=" + farRevision + "&wait=0", null, farAgent).json();
        assertThat(desired.path("removed").toString()).contains(uid);
        assertThat(plane.get("/v1/alerts/" + awaitAlert(null, "cell-offline", "cell far", "firing", plane.admin).path("id").asText()).json()
                .path("figures").path("replaced").toString()).contains("acme/roamer → local");

        // far reports again: the alert resolves
        Thread reporter = Thread.ofVirtual().start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                report(farAgent);
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        try {
            awaitAlert(null, "cell-offline", "cell far", "resolved", plane.admin);
        } finally {
            reporter.interrupt();
        }
        assertThat(plane.instance("acme", "roamer").path("status").path("cell").asText()).as("it stays where it runs now").isEqualTo("local");
    }

    @Test
    void overridesAreValidatedScopedAndOnlyForProviderAdmins() {
        assertThat(putOverride("nosuch", Map.of("threshold", 1), plane.admin).status()).isEqualTo(404);
        assertField(putOverride("instance-not-ready", Map.of("tenant", "acme", "service", "hello", "plan", "starter", "threshold", 5), plane.admin), "tenant");
        assertField(putOverride("instance-not-ready", Map.of("threshold", -1), plane.admin), "threshold");
        assertField(putOverride("instance-not-ready", Map.of(), plane.admin), "threshold");
        assertField(putOverride("instance-not-ready", Map.of("service", "hello", "threshold", 5), plane.admin), "plan");
        assertField(putOverride("cell-offline", Map.of("tenant", "acme", "threshold", 20), plane.admin), "tenant");
        assertField(putOverride("replace-offline-cell", Map.of("threshold", 5), plane.admin), "threshold");
        assertThat(putOverride("instance-not-ready", Map.of("tenant", "nosuch", "threshold", 5), plane.admin).status()).isEqualTo(404);
        assertThat(putOverride("instance-not-ready", Map.of("service", "hello", "plan", "nosuch", "threshold", 5), plane.admin).status()).isEqualTo(404);
        assertThat(plane.send("PUT", "/v1/alert-rules/error-rate/overrides", "{\"threshold\": \"lots\"}", "application/json", plane.admin).status())
                .isEqualTo(400);
        String acmeAdmin = token(Map.of("name", "acme admin", "role", "admin", "tenant", "acme"));
        assertThat(putOverride("error-rate", Map.of("tenant", "acme", "enabled", false), acmeAdmin).status()).isEqualTo(403);
        assertThat(plane.call("GET", "/v1/alerts?state=burning", null, plane.admin).status()).isEqualTo(400);
        assertThat(plane.call("GET", "/v1/alerts?rule=nosuch", null, plane.admin).status()).isEqualTo(400);

        assertThat(putOverride("latency-p99", Map.of("service", "hello", "plan", "starter", "threshold", 500), plane.admin).status()).isEqualTo(200);
        assertThat(putOverride("latency-p99", Map.of("tenant", "globex", "enabled", false), plane.admin).status()).isEqualTo(200);
        JsonNode asAcme = rule("latency-p99", acmeViewer);
        assertThat(asAcme.path("overrides").toString()).contains("starter").doesNotContain("globex");
        assertThat(rule("latency-p99", plane.admin).path("overrides").size()).isEqualTo(2);
        assertThat(plane.call("GET", "/v1/alert-rules", null, acmeViewer).json().path("items").toString()).doesNotContain("cell-offline");
        assertThat(plane.call("DELETE", "/v1/alert-rules/latency-p99/overrides?tenant=globex", null, plane.admin).status()).isEqualTo(204);
        assertThat(plane.call("DELETE", "/v1/alert-rules/latency-p99/overrides?tenant=globex", null, plane.admin).status()).isEqualTo(404);
        assertThat(rule("latency-p99", plane.admin).path("overrides").size()).isEqualTo(1);
    }

    private static JsonNode rule(String name, String token) {
        for (JsonNode r : plane.call("GET", "/v1/alert-rules", null, token).json().path("items")) if (r.path("name").asText().equals(name)) return r;
        throw new AssertionError("no rule " + name);
    }

    private static void assertField(TestPlane.Reply reply, String field) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(400);
        assertThat(reply.body()).contains("\"" + field + "\"");
    }

    private static TestPlane.Reply putOverride(String rule, Map<String, Object> body, String token) {
        return plane.call("PUT", "/v1/alert-rules/" + rule + "/overrides", body, token);
    }

    private static void override(String rule, Map<String, Object> body) {
        TestPlane.Reply reply = putOverride(rule, body, plane.admin);
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    }

    private static void report(String farAgent) {
        TestPlane.Reply r = plane.call("PUT", "/v1/cells/far/status", Map.of("cell", "far", "agentId", "fake-far", "appliedRevision", 0,
                "full", true, "instances", List.of(), "removed", List.of()), farAgent);
        assertThat(r.status()).as(r.body()).isEqualTo(204);
    }

    private static List<JsonNode> alerts(String query, String token) {
        TestPlane.Reply reply = plane.call("GET", "/v1/alerts?" + query, null, token);
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        List<JsonNode> items = new java.util.ArrayList<>();
        reply.json().path("items").forEach(items::add);
        return items;
    }

    private static JsonNode awaitAlert(String tenant, String rule, String target, String state, String token) {
        JsonNode[] found = new JsonNode[1];
        await().atMost(ALERT_WAIT).pollInterval(Duration.ofMillis(500)).until(() -> {
            // the rules run every 10 s on their timer; evaluating now as well only shortens the wait (evaluations take turns)
            plane.dev.server().services().alerts().evaluate();
            for (JsonNode a : alerts("rule=" + rule + "&state=" + state + (tenant == null ? "" : "&tenant=" + tenant), token)) {
                if (a.path("target").asText().equals(target)) {
                    found[0] = a;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    private static List<String> eventTypes(String prefix) {
        return events.stream().map(e -> e.path("type").asText()).filter(t -> t.startsWith(prefix)).distinct().toList();
    }

    private static void signal(String signal, long pid) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(pid)).inheritIO().start();
        assertThat(kill.waitFor()).isZero();
    }

    private static String token(Map<String, Object> body) {
        TestPlane.Reply reply = plane.post("/v1/tokens", body);
        assertThat(reply.status()).as(reply.body()).isEqualTo(201);
        return reply.json().path("secret").asText();
    }
}
