package dev.tenantry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantry.api.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An agent's report of a large cell: a full report lists every instance, some 300 bytes each, so a cell of a few thousand
 * is past the 1 MiB that bounds other requests. The agent of cell "big" here is this test, reporting by hand: one real
 * instance placed on it and thousands the server does not know.
 */
class AgentReportIT extends WithPlane {
    private static String agent;
    private static JsonNode deployment;

    @BeforeAll
    static void aCellWithOneInstance() throws IOException {
        TestPlane.Reply token = plane.post("/v1/tokens", Map.of("name", "big agent", "role", "agent", "cell", "big"));
        assertThat(token.status()).as(token.body()).isEqualTo(201);
        agent = token.json().path("secret").asText();
        String template = plane.get("/v1/cells/local").json().path("endpointTemplate").asText();
        // the local cell full (capacity 1, one instance), so that the instance below can only go to "big"
        String localAgent = java.nio.file.Files.readString(plane.home.resolve("agent.token")).strip();
        assertThat(plane.call("PUT", "/v1/cells/local", Map.of("region", "local", "driver", "process", "capacity", 1, "baseDomain", "localhost",
                "endpointTemplate", template), localAgent).status()).isEqualTo(200);
        assertThat(plane.createInstance("acme", "filler", "hello", "starter").status()).isEqualTo(202);
        // capacity 1: the one instance below goes here, no other
        assertThat(plane.call("PUT", "/v1/cells/big", Map.of("region", "big", "driver", "process", "capacity", 1, "baseDomain", "localhost",
                "endpointTemplate", template), agent).status()).isEqualTo(200);
        assertThat(send(Json.write(report(List.of())), false).status()).isEqualTo(204);
        assertThat(plane.createInstance("acme", "large", "hello", "starter").status()).isEqualTo(202);
        await().atMost(TestPlane.WAIT).until(() -> plane.call("GET", "/v1/cells/big/desired?wait=0", null, agent).json().path("deployments").size() == 1);
        deployment = plane.call("GET", "/v1/cells/big/desired?wait=0", null, agent).json().path("deployments").get(0);
    }

    @Test
    void aFullReportOfFiveThousandInstancesIsTakenPlainAndGzipped() throws IOException {
        String plain = Json.write(report(observed("started plainly", 5000)));
        assertThat(plain.length()).as("past the limit of other requests").isGreaterThan(1024 * 1024);
        TestPlane.Reply reply = send(plain, false);
        assertThat(reply.status()).as(reply.body()).isEqualTo(204);
        await().atMost(TestPlane.WAIT).until(() -> replicaMessage().equals("started plainly"));

        String gzipped = Json.write(report(observed("started gzipped", 5000)));
        reply = send(gzipped, true);
        assertThat(reply.status()).as(reply.body()).isEqualTo(204);
        await().atMost(TestPlane.WAIT).until(() -> replicaMessage().equals("started gzipped"));
        assertThat(plane.awaitPhase("acme", "large", "RUNNING").path("status").path("cell").asText()).isEqualTo("big");
    }

    @Test
    void aReportPastSixtyFourMebibytesIsRefusedEvenWhenItsGzipIsSmall() throws IOException {
        // a "gzip bomb": 65 MiB of spaces inside the JSON compress to some 64 KiB
        String huge = Json.write(report(observed("x", 1))).replaceFirst("\\{", "{" + " ".repeat(65 * 1024 * 1024));
        TestPlane.Reply reply = send(huge, true);
        assertThat(reply.status()).as(reply.body()).isEqualTo(413);
        assertThat(reply.json().path("type").asText()).endsWith("content-too-large");
        assertThat(replicaMessage()).isNotEqualTo("x");
    }

    @Test
    void brokenGzipAnUnknownEncodingAndANulCharacterAre4xxNamingWhatIsWrong() throws IOException {
        TestPlane.Reply broken = plane.execute(request("not gzip at all".getBytes()).header("Content-Encoding", "gzip").build());
        assertThat(broken.status()).as(broken.body()).isEqualTo(400);
        assertThat(broken.json().path("detail").asText()).contains("gzip");

        TestPlane.Reply brotli = plane.execute(request(Json.write(report(List.of())).getBytes()).header("Content-Encoding", "br").build());
        assertThat(brotli.status()).as(brotli.body()).isEqualTo(415);

        TestPlane.Reply nul = send(Json.write(report(observed("nul\u0000here", 3000))), true);
        assertThat(nul.status()).as(nul.body()).isEqualTo(400);
        assertThat(nul.json().path("errors").get(0).path("field").asText()).isEqualTo("instances[0].replicas[0].message");
    }

    @Test
    void onlyTheCellsOwnAgentMaySendALargeReport() throws IOException {
        byte[] body = Json.write(report(observed("from elsewhere", 5000))).getBytes();
        // each asks first (Expect: 100-continue), as curl does: a refusal before the body is read closes the connection,
        // and a client still sending the body may see that instead of the answer
        TestPlane.Reply anonymous = plane.execute(HttpRequest.newBuilder(URI.create(plane.api + "/v1/cells/big/status")).expectContinue(true)
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build());
        assertThat(anonymous.status()).isEqualTo(401);
        TestPlane.Reply tenantToken = plane.execute(HttpRequest.newBuilder(URI.create(plane.api + "/v1/cells/big/status")).expectContinue(true)
                .header("Authorization", "Bearer " + acmeAdmin()).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build());
        assertThat(tenantToken.status()).isEqualTo(403);
        TestPlane.Reply admin = plane.execute(HttpRequest.newBuilder(URI.create(plane.api + "/v1/tenants")).expectContinue(true)
                .header("Authorization", "Bearer " + plane.admin).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
        assertThat(admin.status()).as("the 1 MiB limit still holds everywhere else").isEqualTo(413);
        assertThat(replicaMessage()).isNotEqualTo("from elsewhere");
    }

    @Test
    void aReportThatMakesAnInstanceDueRunsItsPassInItsOwnTransaction() throws IOException {
        for (String state : List.of("STARTING", "RUNNING")) {
            long before = plane.dev.server().passesInReports();
            TestPlane.Reply reply = send(Json.write(changes(state)), false);
            assertThat(reply.status()).as(reply.body()).isEqualTo(204);
            assertThat(plane.dev.server().passesInReports()).as("the pass of an instance reported " + state + ": run by the report, before its answer")
                    .isGreaterThan(before);
        }
    }

    /** A report of changes naming the one real instance, its replicas in {@code state} (a pass due at once for a running instance). */
    private static Map<String, Object> changes(String state) {
        Map<String, Object> instance = new HashMap<>(observed("changed", 1).get(0));
        instance.put("state", state);
        return Map.of("cell", "big", "agentId", "test-big", "appliedRevision", plane.get("/v1/cells/big").json().path("revision").asLong(),
                "full", false, "instances", List.of(instance), "removed", List.of());
    }

    private static String acmeAdmin() {
        TestPlane.Reply reply = plane.post("/v1/tokens", Map.of("name", "acme admin", "role", "admin", "tenant", "acme"));
        assertThat(reply.status()).as(reply.body()).isEqualTo(201);
        return reply.json().path("secret").asText();
    }

    private static Map<String, Object> report(List<Map<String, Object>> instances) {
        return Map.of("cell", "big", "agentId", "test-big", "appliedRevision", deployment == null ? 0 : plane.get("/v1/cells/big").json().path("revision").asLong(),
                "full", true, "instances", instances, "removed", List.of());
    }

    /** The one real instance, running, with {@code message} on its replica; then {@code count - 1} the server does not know. */
    private static List<Map<String, Object>> observed(String message, int count) {
        List<Map<String, Object>> instances = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Map<String, Object> replica = new HashMap<>(Map.of("component", "web", "index", 0, "ports", Map.of("http", 40000 + i % 20000), "healthy", true,
                    "restarts", 0, "startedAt", "2026-12-03T08:03:53.972751468Z", "healthySince", "2026-12-03T08:03:54.172756085Z", "release", "1.0.0",
                    "standby", false));
            replica.put("message", message);
            instances.add(Map.of("instanceUid", i == 0 ? deployment.path("instanceUid").asText() : UUID.randomUUID().toString(),
                    "generation", deployment.path("generation").asLong(), "state", "RUNNING", "replicas", List.of(replica)));
        }
        return instances;
    }

    private static String replicaMessage() {
        return plane.instance("acme", "large").path("status").path("replicas").path(0).path("message").asText();
    }

    private static HttpRequest.Builder request(byte[] body) {
        return HttpRequest.newBuilder(URI.create(plane.api + "/v1/cells/big/status")).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + agent).header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofByteArray(body));
    }

    private static TestPlane.Reply send(String json, boolean gzip) throws IOException {
        byte[] body = json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (!gzip) return plane.execute(request(body).build());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
            zip.write(body);
        }
        return plane.execute(request(out.toByteArray()).header("Content-Encoding", "gzip").build());
    }
}
