package dev.tenantry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantry.api.Json;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** GET /v1/events streams operation and instance events as server-sent events, filtered by tenant and instance. */
class EventsIT extends WithPlane {

    @org.junit.jupiter.api.BeforeAll
    static void aServiceThatDoesNothing() {
        plane.createService("nothing", """
                components:
                  - name: idle
                    command: ["/bin/sleep", "600"]
                """);
    }

    @Test
    void streamsTheEventsOfOneInstanceAsTheyHappen() throws Exception {
        List<JsonNode> events = new CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicReference<Exception> streamError = new java.util.concurrent.atomic.AtomicReference<>();
        HttpRequest request = HttpRequest.newBuilder(URI.create(plane.api + "/v1/events?tenant=acme&instance=web"))
                .header("Authorization", "Bearer " + plane.admin).header("Accept", "text/event-stream").GET().build();
        HttpResponse<InputStream> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        Thread reader = Thread.ofVirtual().start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.startsWith("data:")) events.add(Json.MAPPER.readTree(line.substring(5).strip()));
                }
            } catch (java.io.IOException e) {
                streamError.set(e);
            }
        });

        plane.createInstance("globex", "web", "hello", "starter");
        plane.createInstance("acme", "web", "hello", "starter");
        plane.awaitPhase("acme", "web", "RUNNING");
        await().until(() -> events.stream().anyMatch(e -> e.path("type").asText().equals("instance.running")));
        assertThat(streamError.get()).as("the stream stays open while events flow").isNull();

        assertThat(events).extracting(e -> e.path("type").asText()).contains("instance.created", "instance.running");
        assertThat(events).allSatisfy(e -> {
            assertThat(e.path("tenant").asText()).isEqualTo("acme");
            assertThat(e.path("specversion").asText()).isEqualTo("1.0");
            assertThat(e.path("subject").asText()).isEqualTo("tenants/acme/web");
        });
        response.body().close();
        reader.interrupt();
    }

    @Test
    void noEventIsSkippedWhenManyTransactionsCommitAtOnce() throws Exception {
        plane.createTenant("burst");
        Set<String> seen = ConcurrentHashMap.newKeySet();
        HttpRequest request = HttpRequest.newBuilder(URI.create(plane.api + "/v1/events?tenant=burst"))
                .header("Authorization", "Bearer " + plane.admin).header("Accept", "text/event-stream").GET().build();
        HttpResponse<java.util.stream.Stream<String>> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofLines());
        Thread reader = Thread.ofVirtual().start(() -> response.body().filter(l -> l.startsWith("data:")).forEach(l -> {
            try {
                JsonNode e = Json.MAPPER.readTree(l.substring(5).strip());
                if (e.path("type").asText().equals("instance.created")) seen.add(e.path("subject").asText());
            } catch (java.io.IOException bad) {
                throw new java.io.UncheckedIOException(bad);
            }
        }));
        int n = 40;
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(n)) {
            for (int i = 0; i < n; i++) {
                int index = i;
                pool.submit(() -> plane.call("POST", "/v1/tenants/burst/instances",
                        java.util.Map.of("name", "i" + index, "service", "nothing", "plan", "basic"), plane.admin));
            }
        }
        await().until(() -> seen.size() == n);
        assertThat(seen).hasSize(n);
        reader.interrupt();
    }

    @Test
    void aTokenHoldsAtMostTwentyEventStreamsOpenAndAClosedOneGivesItsSlotBack() throws Exception {
        plane.createTenant("streamer");
        String token = plane.post("/v1/tokens", java.util.Map.of("name", "streams", "role", "viewer", "tenant", "streamer")).json().path("secret").asText();
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(URI.create(plane.dev.apiUrl() + "/v1/events?tenant=streamer"))
                .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream").GET().build();
        List<java.io.InputStream> open = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                HttpResponse<java.io.InputStream> stream = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
                assertThat(stream.statusCode()).as("stream " + (i + 1)).isEqualTo(200);
                open.add(stream.body());
            }
            HttpResponse<java.io.InputStream> refused = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            if (refused.statusCode() == 200) open.add(refused.body()); // (closed at the end, not read: it would not end)
            assertThat(refused.statusCode()).as("the 21st stream").isEqualTo(409);
            String problem = new String(refused.body().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(problem).contains("quota-exceeded").contains("\"events\"").contains("20 event streams");
            open.removeFirst().close();
            // the server notices a closed stream when a write to it fails: a keep-alive comment every 15 s, and the first one
            // after the close may still be taken by the connection (the client's reset comes back after it), so within 30 s
            await().atMost(Duration.ofSeconds(45)).until(() -> {
                HttpResponse<java.io.InputStream> again = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
                if (again.statusCode() != 200) {
                    again.body().close();
                    return false;
                }
                open.add(again.body());
                return true;
            });
        } finally {
            for (java.io.InputStream in : open) in.close();
        }
    }

    @Test
    void aClientThatDoesNotAcceptAnEventStreamIsToldSo() {
        TestPlane.Reply reply = plane.get("/v1/events?tenant=acme");
        assertThat(reply.status()).isEqualTo(406);
        assertThat(reply.json().path("detail").asText()).contains("text/event-stream");
    }

    @Test
    void sinceReplaysTheRecentHistoryFirst() throws Exception {
        plane.createTenant("historic");
        java.util.List<JsonNode> replayed = new java.util.concurrent.CopyOnWriteArrayList<>();
        plane.followEvents("/v1/events?tenant=historic&since=5m", replayed);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> replayed.stream().anyMatch(e -> e.path("type").asText().equals("tenant.created")));
        java.util.List<JsonNode> none = new java.util.concurrent.CopyOnWriteArrayList<>();
        plane.followEvents("/v1/events?tenant=historic", none);
        // events after the stream opened (one at each poll, until the stream has begun): they arrive after anything
        // the stream would have replayed
        java.util.concurrent.atomic.AtomicInteger era = new java.util.concurrent.atomic.AtomicInteger();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).pollInterval(java.time.Duration.ofMillis(300)).until(() -> {
            assertThat(plane.call("PUT", "/v1/tenants/historic/labels", java.util.Map.of("labels", java.util.Map.of("era", "e" + era.incrementAndGet())),
                    plane.admin).status()).isEqualTo(200);
            return none.stream().anyMatch(e -> e.path("type").asText().equals("tenant.labeled"));
        });
        assertThat(none).as("without since, only what happens from now").isNotEmpty()
                .allSatisfy(e -> assertThat(e.path("type").asText()).isEqualTo("tenant.labeled"));
        TestPlane.Reply bad = plane.callWithHeaders("GET", "/v1/events?since=lately", null, java.util.Map.of("Accept", "text/event-stream"));
        assertThat(bad.status()).as(bad.body()).isEqualTo(400);
        assertThat(bad.body()).contains("\"since\"");
    }
    @Test
    void aStreamCarriesOnlyTheTypesItAsksFor() throws Exception {
        plane.createTenant("typed");
        java.util.List<JsonNode> running = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.List<JsonNode> operations = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.List<JsonNode> both = new java.util.concurrent.CopyOnWriteArrayList<>();
        // since: the tenant's whole history, so that nothing depends on when each stream began (its tenant.created is of no type asked for)
        plane.followEvents("/v1/events?tenant=typed&since=5m&type=instance.running", running);
        plane.followEvents("/v1/events?tenant=typed&since=5m&type=operation.*", operations);
        plane.followEvents("/v1/events?tenant=typed&since=5m&type=instance.created,instance.running&type=tenant.labeled", both);
        plane.createInstance("typed", "idle", "nothing", "basic");
        plane.awaitPhase("typed", "idle", "RUNNING");
        assertThat(plane.call("PUT", "/v1/tenants/typed/labels", java.util.Map.of("labels", java.util.Map.of("tier", "gold")), plane.admin).status())
                .isEqualTo(200);
        await().until(() -> both.stream().anyMatch(e -> e.path("type").asText().equals("tenant.labeled")));
        await().until(() -> !running.isEmpty() && operations.stream().anyMatch(e -> e.path("type").asText().equals("operation.succeeded")));
        assertThat(running).extracting(e -> e.path("type").asText()).containsExactly("instance.running");
        assertThat(operations).extracting(e -> e.path("type").asText()).allMatch(t -> t.startsWith("operation."))
                .contains("operation.updated", "operation.succeeded");
        assertThat(both).extracting(e -> e.path("type").asText()).containsExactly("instance.created", "instance.running", "tenant.labeled");

        TestPlane.Reply bad = plane.callWithHeaders("GET", "/v1/events?tenant=typed&type=instance.running,Not%20a%20type", null,
                java.util.Map.of("Accept", "text/event-stream"));
        assertThat(bad.status()).as(bad.body()).isEqualTo(400);
        assertThat(bad.body()).contains("\"type[1]\"");
    }
}
