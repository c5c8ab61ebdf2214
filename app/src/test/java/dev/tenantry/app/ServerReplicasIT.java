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
 * through row leases), and no step runs twice — each instance is placed once, runs once and is deleted once.
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
}
