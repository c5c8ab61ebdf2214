package dev.tenantry.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantry.server.TenantryServer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Two {@code tenantry server} replicas on one PostgreSQL: requests go to either, both reconcile (work claimed
 * through row leases), and no step runs twice — each instance is placed once, runs once and is deleted once; a
 * replica's log asked of one server comes through the other, which the cell's agent reaches.
 */
class ServerReplicasIT extends WithPlane {
    private static final int INSTANCES = 24;

    @Test
    void twoServersShareTheWorkAndNothingRunsTwice() throws Exception {
        var db = plane.dev.database();
        try (TenantryServer second = TenantryServer.start(new TenantryServer.Config(db.url(), db.user(), db.password(), "127.0.0.1", 0, 4, null, null,
                plane.dev.security()))) {
            TenantryServer first = plane.dev.server();
            long firstBefore = first.reconcilePasses();
            List<Future<TestPlane.Reply>> creates = new ArrayList<>();
            try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < INSTANCES; i++) {
                    String api = i % 2 == 0 ? plane.api : second.url();
                    Map<String, Object> body = Map.of("name", "r" + i, "service", "hello", "plan", "starter");
                    creates.add(clients.submit(() -> plane.callAt(api, "POST", "/v1/tenants/globex/instances", body)));
                }
            }
            for (Future<TestPlane.Reply> create : creates) assertThat(create.get().status()).as(create.get().body()).isEqualTo(202);
            for (int i = 0; i < INSTANCES; i++) plane.awaitPhase("globex", "r" + i, "RUNNING");
            List<Future<TestPlane.Reply>> deletes = new ArrayList<>();
            try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < INSTANCES; i++) {
                    String api = i % 2 == 1 ? plane.api : second.url();
                    String path = "/v1/tenants/globex/instances/r" + i;
                    deletes.add(clients.submit(() -> plane.callAt(api, "DELETE", path, null)));
                }
            }
            for (Future<TestPlane.Reply> delete : deletes) assertThat(delete.get().status()).as(delete.get().body()).isEqualTo(202);
            for (int i = 0; i < INSTANCES; i++) plane.awaitPhase("globex", "r" + i, "DELETED");

            assertThat(first.reconcilePasses() - firstBefore).as("passes run by the first server").isPositive();
            assertThat(second.reconcilePasses()).as("passes run by the second server").isPositive();
            Map<String, Integer> actions = new HashMap<>();
            for (JsonNode a : plane.get("/v1/audit?tenant=globex&limit=1000").json().path("items")) {
                if (a.path("actor").asText().equals("system")) actions.merge(a.path("action").asText() + " " + a.path("target").asText(), 1, Integer::sum);
            }
            for (int i = 0; i < INSTANCES; i++) {
                for (String action : new String[] {"instance.place", "instance.running", "instance.deleted"}) {
                    assertThat(actions.get(action + " tenants/globex/r" + i)).as(action + " of r" + i).isEqualTo(1);
                }
            }
            String ca = plane.send("GET", "/v1/ca", null, null, null).body();
            assertThat(ca).as("the CA's certificate, without a token").startsWith("-----BEGIN CERTIFICATE-----");
            assertThat(plane.callAt(second.url(), "GET", "/v1/ca", null).body()).as("one CA for both replicas").isEqualTo(ca);
            JsonNode chain = plane.callAt(second.url(), "GET", "/v1/audit/verify", null).json();
            assertThat(chain.path("ok").asBoolean()).as("both servers' records make one unbroken chain: " + chain).isTrue();
        }
    }

    @Test
    void aLogAskedOfOneServerComesThroughTheOtherThatTheAgentReaches() throws Exception {
        assertThat(plane.post("/v1/services", Map.of("name", "chatter")).status()).isEqualTo(201);
        Map<String, Object> blueprint = Map.of("components", List.of(Map.of("name", "tick", "command", List.of("/bin/sh", "-c",
                "i=0; while true; do i=$((i+1)); echo \"tick $i\"; sleep 0.2; done"))));
        assertThat(plane.post("/v1/services/chatter/releases", Map.of("version", "1", "blueprint", blueprint)).status()).isEqualTo(201);
        assertThat(plane.post("/v1/services/chatter/plans", Map.of("name", "basic")).status()).isEqualTo(201);
        assertThat(plane.post("/v1/tenants/acme/instances", Map.of("name", "chat", "service", "chatter", "plan", "basic")).status()).isEqualTo(202);
        plane.awaitPhase("acme", "chat", "RUNNING");
        var db = plane.dev.database();
        try (TenantryServer second = TenantryServer.start(new TenantryServer.Config(db.url(), db.user(), db.password(), "127.0.0.1", 0, 1, null, null,
                plane.dev.security()))) {
            // the agent takes requests from the first server and posts the log there; this client asks the second
            String path = "/v1/tenants/acme/instances/chat/logs?tail=3";
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() -> plane.callAt(second.url(), "GET", path, null).body().lines().count() == 3);
            long started = System.nanoTime();
            TestPlane.Reply tail = plane.callAt(second.url(), "GET", path, null);
            assertThat(tail.status()).as(tail.body()).isEqualTo(200);
            assertThat((System.nanoTime() - started) / 1e9).as("answered well before the agent's long poll (20 s) would have ended by itself").isLessThan(10.0);
            List<Integer> ticks = tail.body().lines().map(l -> Integer.parseInt(l.replace("tick ", ""))).toList();
            assertThat(ticks).as(tail.body()).containsExactly(ticks.get(0), ticks.get(0) + 1, ticks.get(0) + 2);

            java.net.http.HttpRequest follow = java.net.http.HttpRequest.newBuilder(java.net.URI.create(second.url() + "/v1/tenants/acme/instances/chat/logs?tail=1&follow=true"))
                    .header("Authorization", "Bearer " + plane.admin).timeout(java.time.Duration.ofSeconds(20)).build();
            var response = java.net.http.HttpClient.newHttpClient().send(follow, java.net.http.HttpResponse.BodyHandlers.ofInputStream());
            assertThat(response.statusCode()).isEqualTo(200);
            List<Integer> seen = new ArrayList<>();
            try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(response.body(), java.nio.charset.StandardCharsets.UTF_8))) {
                while (seen.size() < 6) {
                    String line = lines.readLine();
                    assertThat(line).as("the followed log goes on").isNotNull();
                    seen.add(Integer.parseInt(line.replace("tick ", "")));
                }
            }
            assertThat(seen).as("followed across the servers, none lost or repeated")
                    .isEqualTo(java.util.stream.IntStream.range(0, 6).map(i -> seen.get(0) + i).boxed().toList());
            // the client went away: its request leaves the database, and the agent's next post to the first server is refused
            try (var c = java.sql.DriverManager.getConnection(db.url(), db.user(), db.password())) {
                org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(15)).until(() -> {
                    try (var rs = c.createStatement().executeQuery("select count(*) from log_requests")) {
                        rs.next();
                        return rs.getInt(1) == 0;
                    }
                });
            }
        }
    }
}
