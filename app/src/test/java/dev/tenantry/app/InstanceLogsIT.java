package dev.tenantry.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A replica's log through the API for real: relayed from the agent (which takes the request with its long poll) to
 * the client, its last lines and then followed live while the workload writes; scoped to the tenant's own.
 */
class InstanceLogsIT {
    private static TestPlane plane;

    @BeforeAll
    static void start() throws Exception {
        plane = TestPlane.start();
        plane.createTenant("acme");
        plane.createTenant("globex");
        assertThat(plane.post("/v1/services", Map.of("name", "ticker")).status()).isEqualTo(201);
        Map<String, Object> blueprint = Map.of("components", List.of(Map.of("name", "tick", "command", List.of("/bin/sh", "-c",
                "i=0; while true; do i=$((i+1)); echo \"tick $i\"; sleep 0.2; done"), "replicas", 2)));
        assertThat(plane.post("/v1/services/ticker/releases", Map.of("version", "1", "blueprint", blueprint)).status()).isEqualTo(201);
        assertThat(plane.post("/v1/services/ticker/plans", Map.of("name", "basic")).status()).isEqualTo(201);
        assertThat(plane.post("/v1/tenants/acme/instances", Map.of("name", "t", "service", "ticker", "plan", "basic")).status()).isEqualTo(202);
        plane.awaitPhase("acme", "t", "RUNNING");
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() ->
                plane.get("/v1/tenants/acme/instances/t/logs?tail=3&replica=tick-1").body().lines().count() == 3);
    }

    @AfterAll
    static void stop() throws Exception {
        if (plane != null) plane.close();
    }

    @Test
    void theLastLinesOfAReplicaComeFromItsCell() {
        TestPlane.Reply reply = plane.get("/v1/tenants/acme/instances/t/logs?tail=3&replica=tick-1");
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        assertThat(reply.contentType()).startsWith("text/plain");
        List<Integer> ticks = reply.body().lines().map(l -> Integer.parseInt(l.replace("tick ", ""))).toList();
        assertThat(ticks).hasSize(3);
        assertThat(ticks.get(1)).isEqualTo(ticks.get(0) + 1);
        assertThat(ticks.get(2)).isEqualTo(ticks.get(1) + 1);
        assertThat(plane.get("/v1/tenants/acme/instances/t/logs").body().lines().count()).as("default: the first replica's, up to 100 lines").isBetween(3L, 100L);
    }

    @Test
    void sinceGivesTheLinesWrittenFromThenToTheSecond() throws Exception {
        Thread.sleep(2500); // lines from before
        java.time.Instant mark = java.time.Instant.now();
        Thread.sleep(3000); // about 15 lines, one every 0.2 s
        TestPlane.Reply reply = plane.get("/v1/tenants/acme/instances/t/logs?replica=tick-0&since=" + mark);
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        List<Integer> ticks = reply.body().lines().map(l -> Integer.parseInt(l.replace("tick ", ""))).toList();
        assertThat(ticks).as("the lines of the last 3 s, and at most a second more (the index notes sizes each second): " + ticks)
                .hasSizeBetween(12, 24);
        for (int i = 1; i < ticks.size(); i++) assertThat(ticks.get(i)).isEqualTo(ticks.get(i - 1) + 1);
        List<Integer> all = plane.get("/v1/tenants/acme/instances/t/logs?replica=tick-0&tail=10000").body().lines()
                .map(l -> Integer.parseInt(l.replace("tick ", ""))).toList();
        assertThat(all.getFirst()).as("older lines were left out").isLessThan(ticks.getFirst() - 5);
        assertThat(plane.get("/v1/tenants/acme/instances/t/logs?replica=tick-0&since=2s").body().lines().count()).as("2 s ago, ±1 s").isBetween(5L, 17L);
        assertThat(plane.get("/v1/tenants/acme/instances/t/logs?replica=tick-0&since=2s&tail=3").body().lines().count()).isEqualTo(3);
        assertThat(plane.get("/v1/tenants/acme/instances/t/logs?since=yesterday").status()).isEqualTo(400);
        assertThat(plane.get("/v1/tenants/acme/instances/t/logs?since=" + java.time.Instant.now().plusSeconds(60)).body()).contains("\"since\"");
    }

    @Test
    void aLongTailOfMegabytesComesWhole() throws Exception {
        // 10,000 lines of 201 bytes at start (2 MB, more than the server takes in one post from the agent), then quiet
        plane.createService("verbose", """
                components:
                  - name: talk
                    command: ["/bin/sh", "-c", "i=0; while [ $i -lt 10000 ]; do i=$((i+1)); printf 'line %05d %0190d\\\\n' $i 0; done; exec sleep 100000"]
                """);
        assertThat(plane.post("/v1/tenants/globex/instances", Map.of("name", "v", "service", "verbose", "plan", "basic")).status()).isEqualTo(202);
        plane.awaitPhase("globex", "v", "RUNNING");
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() ->
                plane.get("/v1/tenants/globex/instances/v/logs?tail=1").body().startsWith("line 10000 "));
        for (String query : new String[] {"tail=10000", "since=1h", "tail=10000&follow=true"}) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(plane.dev.apiUrl() + "/v1/tenants/globex/instances/v/logs?" + query))
                    .header("Authorization", "Bearer " + plane.admin).timeout(Duration.ofSeconds(30)).build();
            HttpResponse<java.io.InputStream> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofInputStream());
            assertThat(response.statusCode()).as(query).isEqualTo(200);
            List<String> lines = new ArrayList<>();
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                while (lines.size() < 10_000) {
                    String line = reader.readLine();
                    assertThat(line).as(query + ": the stream goes on after " + lines.size() + " lines").isNotNull();
                    lines.add(line);
                }
            }
            assertThat(lines.getFirst()).as(query).startsWith("line 00001 ");
            assertThat(lines.getLast()).as(query).startsWith("line 10000 ");
            for (int i = 0; i < lines.size(); i++) assertThat(lines.get(i)).as(query).hasSize(201).startsWith(String.format("line %05d ", i + 1));
        }
    }

    @Test
    void aFollowedLogShowsLinesAsTheyAreWritten() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(plane.dev.apiUrl() + "/v1/tenants/acme/instances/t/logs?tail=1&follow=true"))
                .header("Authorization", "Bearer " + plane.admin).timeout(Duration.ofSeconds(20)).build();
        HttpResponse<java.io.InputStream> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        List<Integer> seen = new ArrayList<>();
        long started = System.nanoTime();
        java.io.InputStream body = response.body();
        // a reader that stops the test instead of hanging if the stream stalls
        Thread watchdog = Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(Duration.ofSeconds(30));
                body.close();
            } catch (Exception stopped) {
                Thread.currentThread().interrupt();
            }
        });
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            while (seen.size() < 8) {
                String line = lines.readLine();
                assertThat(line).as("the stream goes on").isNotNull();
                seen.add(Integer.parseInt(line.replace("tick ", "")));
            }
        }
        watchdog.interrupt();
        double seconds = (System.nanoTime() - started) / 1e9;
        assertThat(seen).as("consecutive lines, none lost or repeated").isEqualTo(java.util.stream.IntStream.range(0, 8).map(i -> seen.get(0) + i).boxed().toList());
        assertThat(seconds).as("written every 0.2 s: they came live, not all at once from before").isGreaterThan(1.0);
    }

    @Test
    void badRequestsAndOtherTenantsAreRefused() {
        String globex = plane.post("/v1/tokens", Map.of("name", "globex-viewer", "role", "viewer", "tenant", "globex")).json().path("secret").asText();
        assertThat(plane.call("GET", "/v1/tenants/acme/instances/t/logs", null, globex).status()).isEqualTo(403);
        TestPlane.Reply noReplica = plane.get("/v1/tenants/acme/instances/t/logs?replica=tick-7");
        assertThat(noReplica.status()).isEqualTo(404);
        assertThat(noReplica.body()).contains("replica").contains("tick-0, tick-1");
        TestPlane.Reply traversal = plane.get("/v1/tenants/acme/instances/t/logs?replica=../../etc/passwd");
        assertThat(traversal.status()).isEqualTo(400);
        assertThat(traversal.body()).contains("replica");
        TestPlane.Reply tooMany = plane.get("/v1/tenants/acme/instances/t/logs?tail=100000");
        assertThat(tooMany.status()).isEqualTo(400);
        assertThat(tooMany.body()).contains("tail");
        assertThat(plane.get("/v1/tenants/acme/instances/nosuch/logs").status()).isEqualTo(404);
    }

    @Test
    void aTenantHoldsAtMostTwentyOfACellsLogRequests() throws Exception {
        var db = plane.dev.database();
        try (var c = java.sql.DriverManager.getConnection(db.url(), db.user(), db.password()); var s = c.createStatement()) {
            // another tenant's twenty open requests on the cell leave acme's room alone
            s.execute("insert into log_requests (id, cell, tenant, request, taken) select 'log_other_' || i, 'local', 'globex', '{}', true"
                    + " from generate_series(1, 20) i");
            try {
                assertThat(plane.get("/v1/tenants/acme/instances/t/logs?tail=1").status()).isEqualTo(200);
                s.execute("insert into log_requests (id, cell, tenant, request, taken) select 'log_other_acme_' || i, 'local', 'acme', '{}', true"
                        + " from generate_series(1, 20) i");
                TestPlane.Reply full = plane.get("/v1/tenants/acme/instances/t/logs?tail=1");
                assertThat(full.status()).as(full.body()).isEqualTo(409);
                assertThat(full.body()).contains("quota-exceeded").contains("\"logs\"").contains("for tenant 'acme'");
            } finally {
                s.execute("delete from log_requests where id like 'log_other_%'");
            }
        }
    }

    @Test
    void aCellServesAtMostAHundredLogRequestsWhicheverServersHoldThem() throws Exception {
        var db = plane.dev.database();
        try (var c = java.sql.DriverManager.getConnection(db.url(), db.user(), db.password()); var s = c.createStatement()) {
            // a hundred open requests for the cell, as other server replicas' clients would hold them
            s.execute("insert into log_requests (id, cell, request, taken) select 'log_held_' || i, 'local', '{}', true from generate_series(1, 100) i");
            try {
                TestPlane.Reply full = plane.get("/v1/tenants/acme/instances/t/logs?tail=1");
                assertThat(full.status()).as(full.body()).isEqualTo(409);
                assertThat(full.body()).contains("quota-exceeded").contains("\"logs\"");
                s.execute("update log_requests set created_at = now() - interval '2 hours' where id like 'log_held_%'");
                TestPlane.Reply served = plane.get("/v1/tenants/acme/instances/t/logs?tail=1");
                assertThat(served.status()).as("requests older than the longest follow were left by a stopped server: " + served.body()).isEqualTo(200);
                try (var rs = s.executeQuery("select count(*) from log_requests where id like 'log_held_%'")) {
                    rs.next();
                    assertThat(rs.getInt(1)).as("and are removed").isZero();
                }
            } finally {
                s.execute("delete from log_requests where id like 'log_held_%'");
            }
        }
    }
}
