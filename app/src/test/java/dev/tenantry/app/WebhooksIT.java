package dev.tenantry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.tenantry.api.Json;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Webhooks to a real local receiver that checks every Standard Webhooks signature on its own: while it is down the
 * events wait in the outbox; once it is up it gets every one, in order, exactly once. The test endpoint, the Slack
 * format, and bad input.
 */
class WebhooksIT {
    private static TestPlane plane;
    private static final List<JsonNode> acmeEvents = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        plane = TestPlane.start();
        plane.createTenant("acme");
        plane.createTenant("globex");
        plane.createTenant("initech"); // the Slack test's: acme's events are the outbox test's alone
        plane.followEvents("/v1/events?tenant=acme", acmeEvents);
    }

    @AfterAll
    static void stop() throws Exception {
        plane.close();
    }

    /** What a receiver got: each message's headers, body and whether its signature verified. */
    record Received(String id, long timestamp, String signature, String contentType, String body, boolean verified) {
        JsonNode json() {
            try {
                return Json.MAPPER.readTree(body);
            } catch (java.io.IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }
    }

    /** A receiver on a port of its own that verifies each message with the subscription's secret, as a subscriber would. */
    static final class Receiver implements AutoCloseable {
        final int port;
        final List<Received> received = new CopyOnWriteArrayList<>();
        volatile String secret;
        private HttpServer server;

        Receiver() throws Exception {
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
        }

        String url() {
            return "http://127.0.0.1:" + port + "/hook";
        }

        void up() throws Exception {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
            server.createContext("/hook", ex -> {
                String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                String id = ex.getRequestHeaders().getFirst("webhook-id");
                long timestamp = Long.parseLong(ex.getRequestHeaders().getFirst("webhook-timestamp"));
                String signature = ex.getRequestHeaders().getFirst("webhook-signature");
                received.add(new Received(id, timestamp, signature, ex.getRequestHeaders().getFirst("Content-Type"), body,
                        verify(secret, id, timestamp, body, signature)));
                ex.sendResponseHeaders(204, -1);
                ex.close();
            });
            server.start();
        }

        @Override
        public void close() {
            if (server != null) server.stop(0);
        }

        /** The Standard Webhooks check: HMAC-SHA256 with the base64 key after whsec_, over id.timestamp.body, any v1 signature. */
        static boolean verify(String secret, String id, long timestamp, String body, String header) {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
                String expected = Base64.getEncoder().encodeToString(mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8)));
                for (String part : header.split(" ")) {
                    if (part.startsWith("v1,") && java.security.MessageDigest.isEqual(part.substring(3).getBytes(StandardCharsets.UTF_8),
                            expected.getBytes(StandardCharsets.UTF_8))) return true;
                }
                return false;
            } catch (java.security.GeneralSecurityException e) {
                throw new AssertionError(e);
            }
        }
    }

    @Test
    void aReceiverThatWasDownGetsEveryEventAfterwardsInOrderExactlyOnceAndSigned() throws Exception {
        try (Receiver receiver = new Receiver()) {
            JsonNode created = create(Map.of("url", receiver.url(), "types", List.of("instance.*", "operation.*"), "tenant", "acme"));
            receiver.secret = created.path("secret").asText();
            assertThat(receiver.secret).startsWith("whsec_");
            String id = created.path("id").asText();
            JsonNode shown = plane.get("/v1/webhooks/" + id).json();
            assertThat(shown.path("secret").isMissingNode() || shown.path("secret").isNull()).as("the secret is shown once: " + shown).isTrue();
            assertThat(plane.get("/v1/webhooks").body()).doesNotContain(receiver.secret);

            // the receiver is down while instances are created
            for (String name : List.of("a1", "a2")) assertThat(plane.createInstance("acme", name, "hello", "starter").status()).isEqualTo(202);
            assertThat(plane.createInstance("globex", "g1", "hello", "starter").status()).isEqualTo(202);
            for (String name : List.of("a1", "a2")) plane.awaitPhase("acme", name, "RUNNING");
            plane.awaitPhase("globex", "g1", "RUNNING");
            await().atMost(Duration.ofSeconds(30)).until(() -> plane.get("/v1/webhooks/" + id).json().path("failures").asInt() >= 2);
            JsonNode failing = plane.get("/v1/webhooks/" + id).json();
            assertThat(failing.path("lastError").asText()).contains("ConnectException");
            assertThat(failing.path("nextAttemptAt").asText()).isNotEmpty();
            assertThat(failing.path("delivered").asLong()).isZero();
            JsonNode log = plane.get("/v1/webhooks/" + id + "/deliveries").json().path("items");
            assertThat(log.size()).isGreaterThanOrEqualTo(2);
            assertThat(log.get(0).path("outcome").asText()).isEqualTo("failed");
            assertThat(log.get(0).path("attempt").asInt()).as("the newest try counts the failures before it").isGreaterThan(log.get(1).path("attempt").asInt());
            assertThat(log.get(0).path("messageId").asText()).as("every retry of a message carries its webhook-id").isEqualTo(log.get(1).path("messageId").asText());

            receiver.up();
            List<String> expected = expectedIds(acmeEvents);
            // per instance: created, running, and its operation's updates (two or three) and success
            assertThat(expected).as("instance and operation events of acme").hasSizeGreaterThanOrEqualTo(10);
            await().atMost(Duration.ofMinutes(2)).until(() -> receiver.received.size() >= expected.size());
            Thread.sleep(3000); // anything sent twice would arrive by now
            List<String> got = receiver.received.stream().map(r -> r.json().path("id").asText()).toList();
            assertThat(got).as("every event, in outbox order, once").isEqualTo(expected);
            assertThat(receiver.received).allSatisfy(r -> {
                assertThat(r.verified()).as("signature of " + r.id()).isTrue();
                assertThat(r.id()).isEqualTo("evt_" + r.json().path("id").asText());
                assertThat(r.contentType()).isEqualTo("application/cloudevents+json");
                assertThat(Math.abs(r.timestamp() - Instant.now().getEpochSecond())).isLessThan(300);
                JsonNode event = r.json();
                assertThat(event.path("specversion").asText()).isEqualTo("1.0");
                assertThat(event.path("source").asText()).isEqualTo("tenantry");
                assertThat(event.path("tenant").asText()).isEqualTo("acme");
                assertThat(event.path("type").asText()).matches("(instance|operation)\\..*");
                assertThat(event.path("time").asText()).isNotEmpty();
                assertThat(event.path("data").isObject()).isTrue();
            });
            assertThat(receiver.received.stream().map(r -> r.json().path("data").toString())).noneMatch(d -> d.contains("globex"));
            JsonNode healthy = plane.get("/v1/webhooks/" + id).json();
            assertThat(healthy.path("delivered").asLong()).isEqualTo(expected.size());
            assertThat(healthy.path("failures").asInt()).isZero();
            assertThat(healthy.path("lastError").isNull() || healthy.path("lastError").isMissingNode()).isTrue();
        }
    }

    @Test
    void theTestEndpointAndTheSlackFormat() throws Exception {
        try (Receiver receiver = new Receiver()) {
            receiver.up();
            JsonNode created = create(Map.of("url", receiver.url(), "format", "slack"));
            receiver.secret = created.path("secret").asText();
            String id = created.path("id").asText();
            JsonNode test = plane.post("/v1/webhooks/" + id + "/test", null).json();
            assertThat(test.path("outcome").asText()).as(test.toString()).isEqualTo("delivered");
            assertThat(test.path("httpStatus").asInt()).isEqualTo(204);
            assertThat(receiver.received).hasSize(1);
            assertThat(receiver.received.getFirst().verified()).isTrue();
            assertThat(receiver.received.getFirst().json().path("text").asText()).contains("Test message from Tenantry");

            assertThat(plane.createInstance("initech", "s1", "hello", "starter").status()).isEqualTo(202);
            plane.awaitPhase("initech", "s1", "RUNNING");
            await().atMost(Duration.ofSeconds(30)).until(() -> texts(receiver).stream().anyMatch(t -> t.contains("instance.create of initech/s1 succeeded")));
            assertThat(texts(receiver)).anyMatch(t -> t.contains("Deploying initech/s1"));
            assertThat(receiver.received).allSatisfy(r -> assertThat(r.verified()).isTrue());
            assertThat(receiver.received).allSatisfy(r -> assertThat(r.json().fieldNames()).toIterable().containsExactly("text"));
        }
        try (Receiver nobody = new Receiver()) {
            String id = create(Map.of("url", nobody.url())).path("id").asText();
            JsonNode test = plane.post("/v1/webhooks/" + id + "/test", null).json();
            assertThat(test.path("outcome").asText()).isEqualTo("failed");
            assertThat(test.path("error").asText()).contains("ConnectException");
            assertThat(plane.delete("/v1/webhooks/" + id).status()).isEqualTo(204);
            assertThat(plane.get("/v1/webhooks/" + id).status()).isEqualTo(404);
            assertThat(plane.delete("/v1/webhooks/" + id).status()).isEqualTo(404);
        }
    }

    @Test
    void badInputNamesTheFieldAndOnlyProviderAdminsSubscribe() {
        assertField(plane.post("/v1/webhooks", Map.of()), "url");
        assertField(plane.post("/v1/webhooks", Map.of("url", "ftp://example.com/x")), "url");
        assertField(plane.post("/v1/webhooks", Map.of("url", "http://user:pw@example.com/x")), "url");
        assertField(plane.post("/v1/webhooks", Map.of("url", "http://example.com/" + "x".repeat(2100))), "url");
        assertField(plane.post("/v1/webhooks", Map.of("url", "http://example.com/x", "types", List.of("instance.*", "Bad Type"))), "types[1]");
        assertThat(plane.post("/v1/webhooks", Map.of("url", "http://example.com/x", "format", "xml")).status()).isEqualTo(400);
        assertThat(plane.post("/v1/webhooks", Map.of("url", "http://example.com/x", "tenant", "nosuch")).status()).isEqualTo(404);
        String acmeAdmin = plane.post("/v1/tokens", Map.of("name", "acme admin", "role", "admin", "tenant", "acme")).json().path("secret").asText();
        assertThat(plane.call("POST", "/v1/webhooks", Map.of("url", "http://example.com/x", "tenant", "acme"), acmeAdmin).status()).isEqualTo(403);
        assertThat(plane.call("GET", "/v1/webhooks", null, acmeAdmin).status()).isEqualTo(403);
        int before = plane.get("/v1/webhooks").json().path("items").size();
        assertThat(plane.get("/v1/webhooks").json().path("items").size()).as("nothing half-created").isEqualTo(before);
    }

    private static List<String> texts(Receiver r) {
        return r.received.stream().map(x -> x.json().path("text").asText()).toList();
    }

    private static List<String> expectedIds(List<JsonNode> events) {
        List<String> ids = new ArrayList<>();
        for (JsonNode e : events) {
            String type = e.path("type").asText();
            if (type.startsWith("instance.") || type.startsWith("operation.")) ids.add(e.path("id").asText());
        }
        return ids;
    }

    private static void assertField(TestPlane.Reply reply, String field) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(400);
        assertThat(reply.body()).contains("\"" + field + "\"");
    }

    private static JsonNode create(Map<String, Object> body) {
        TestPlane.Reply reply = plane.post("/v1/webhooks", body);
        assertThat(reply.status()).as(reply.body()).isEqualTo(201);
        return reply.json();
    }
}
