package dev.tenantry.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Per-tenant quotas: a plan's default for each tenant's instances of it, a tenant's own set by a provider admin;
 * a create or scale past one is a 409 naming the quota and creates or changes nothing, also when many come at once.
 * Creates that come at once share transactions: one that fails (its name taken) fails alone. The workloads are
 * sleeping shells, so that the test starts no JVM.
 */
class QuotaIT extends WithPlane {

    @BeforeAll
    static void catalog() {
        plane.createService("tiny", """
                components:
                  - name: app
                    command: ["/bin/sleep", "1000"]
                    resources: {memoryMb: 64, cpuMillis: 100}
                """);
        assertThat(plane.post("/v1/services/tiny/plans", Map.of("name", "pair", "tenantQuota", Map.of("instances", 2))).status()).isEqualTo(201);
        assertThat(plane.post("/v1/services/tiny/plans", Map.of("name", "open")).status()).isEqualTo(201);
        plane.createTenant("quoted");
        plane.createTenant("rushed");
    }

    @Test
    void aPlansQuotaBoundsEachTenantsInstancesOfItAndATenantsOwnReplacesIt() {
        assertThat(plane.createInstance("quoted", "one", "tiny", "pair").status()).isEqualTo(202);
        assertThat(plane.createInstance("quoted", "two", "tiny", "pair").status()).isEqualTo(202);
        TestPlane.Reply third = plane.createInstance("quoted", "three", "tiny", "pair");
        assertThat(third.status()).isEqualTo(409);
        assertThat(third.contentType()).startsWith("application/problem+json");
        assertThat(third.json().path("type").asText()).endsWith("/quota-exceeded");
        assertThat(third.json().path("errors").get(0).path("field").asText()).isEqualTo("quota.instances");
        assertThat(third.json().path("detail").asText()).contains("plan 'pair' allows each tenant 2 instance(s)");
        assertThat(plane.get("/v1/tenants/quoted/instances/three").status()).as("nothing created").isEqualTo(404);
        assertThat(plane.createInstance("globex", "elsewhere", "tiny", "pair").status()).as("another tenant has its own count").isEqualTo(202);

        // the tenant's own quota replaces the plan's: 4 instances, but only 200 MiB (64 MiB each)
        assertThat(plane.call("PUT", "/v1/tenants/quoted/quota", Map.of("instances", 4, "memoryMb", 200), plane.admin).status()).isEqualTo(200);
        assertThat(plane.createInstance("quoted", "three", "tiny", "pair").status()).isEqualTo(202);
        TestPlane.Reply fourth = plane.createInstance("quoted", "four", "tiny", "pair");
        assertThat(fourth.status()).isEqualTo(409);
        assertThat(fourth.json().path("errors").get(0).path("field").asText()).isEqualTo("quota.memoryMb");
        assertThat(fourth.json().path("detail").asText()).contains("200 MiB").contains("256 MiB");
        TestPlane.Reply scale = plane.post("/v1/tenants/quoted/instances/one/scale", Map.of("size", Map.of("memoryMb", 128)));
        assertThat(scale.status()).as("a scale past the quota too").isEqualTo(409);
        assertThat(plane.instance("quoted", "one").path("generation").asLong()).as("the instance unchanged").isEqualTo(1);

        JsonNode usage = plane.get("/v1/tenants/quoted/quota").json();
        assertThat(usage.path("quota").path("memoryMb").asInt()).isEqualTo(200);
        assertThat(usage.path("usage").path("instances").asInt()).isEqualTo(3);
        assertThat(usage.path("usage").path("memoryMb").asInt()).isEqualTo(192);

        String tenantAdmin = plane.post("/v1/tokens", Map.of("name", "quoted admin", "role", "admin", "tenant", "quoted")).json().path("secret").asText();
        assertThat(plane.call("PUT", "/v1/tenants/quoted/quota", Map.of("instances", 100), tenantAdmin).status())
                .as("a tenant cannot raise its own quota").isEqualTo(403);
        assertThat(plane.call("GET", "/v1/tenants/quoted/quota", null, tenantAdmin).status()).as("but may read it").isEqualTo(200);
        assertThat(plane.call("PUT", "/v1/tenants/quoted/quota", Map.of("instances", -1), plane.admin).json().path("errors").get(0)
                .path("field").asText()).isEqualTo("quota.instances");
        assertThat(plane.get("/v1/audit?tenant=quoted&limit=100").json().path("items"))
                .anySatisfy(e -> assertThat(e.path("action").asText()).isEqualTo("tenant.quota"));

        assertThat(plane.delete("/v1/tenants/quoted/quota").status()).isEqualTo(200);
        assertThat(plane.createInstance("quoted", "four", "tiny", "pair").status()).as("the plan's quota again: 3 of 2 already").isEqualTo(409);
    }

    @Test
    void concurrentCreatesNeverGoPastTheQuota() throws Exception {
        List<Future<TestPlane.Reply>> replies;
        try (var pool = Executors.newFixedThreadPool(6)) {
            replies = IntStream.range(0, 6).mapToObj(i -> pool.submit(() -> plane.createInstance("rushed", "r" + i, "tiny", "pair"))).toList();
        }
        long accepted = 0;
        for (Future<TestPlane.Reply> reply : replies) {
            int status = reply.get().status();
            assertThat(status).as(reply.get().body()).isIn(202, 409);
            if (status == 202) accepted++;
        }
        assertThat(accepted).isEqualTo(2);
        assertThat(plane.get("/v1/tenants/rushed/instances").json().path("items")).hasSize(2);
    }

    @Test
    void aBurstOfCreatesSharingTransactionsFailsOnlyTheOneWhoseNameIsTaken() throws Exception {
        plane.createTenant("crowd");
        assertThat(plane.createInstance("crowd", "taken", "tiny", "open").status()).isEqualTo(202);
        java.util.List<JsonNode> created = new java.util.concurrent.CopyOnWriteArrayList<>();
        plane.followEvents("/v1/events?tenant=crowd&type=instance.created&since=5m", created);
        List<String> names = IntStream.range(0, 24).mapToObj(i -> i == 11 ? "taken" : "c" + i).toList();
        List<Future<TestPlane.Reply>> replies;
        try (var pool = Executors.newFixedThreadPool(names.size())) {
            replies = names.stream().map(name -> pool.submit(() -> plane.createInstance("crowd", name, "tiny", "open"))).toList();
        }
        java.util.Set<String> operations = new java.util.HashSet<>();
        for (int i = 0; i < names.size(); i++) {
            TestPlane.Reply reply = replies.get(i).get();
            if (names.get(i).equals("taken")) {
                assertThat(reply.status()).as(reply.body()).isEqualTo(409);
                assertThat(reply.json().path("errors").get(0).path("field").asText()).isEqualTo("name");
            } else {
                assertThat(reply.status()).as(reply.body()).isEqualTo(202);
                assertThat(reply.json().path("instance").path("name").asText()).isEqualTo(names.get(i));
                operations.add(reply.json().path("operation").path("id").asText());
            }
        }
        assertThat(operations).as("each create its own operation").hasSize(23);
        assertThat(plane.get("/v1/tenants/crowd/instances?limit=100").json().path("items")).hasSize(24);
        // a create after the burst: its event comes after every event of the burst (the stream is in commit order)
        assertThat(plane.createInstance("crowd", "last", "tiny", "open").status()).isEqualTo(202);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> created.stream().anyMatch(e -> e.path("subject").asText().endsWith("/last")));
        assertThat(created.stream().map(e -> e.path("subject").asText()).toList()).as("one event per instance")
                .hasSize(25).doesNotHaveDuplicates();
    }
}
