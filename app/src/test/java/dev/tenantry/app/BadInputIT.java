package dev.tenantry.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every kind of bad input gets a 4xx problem+json naming the field, and nothing is created. */
class BadInputIT extends WithPlane {
    @BeforeAll
    static void setUp() {
        plane.createTenant("dupco");
        plane.createService("typed", """
                components:
                  - name: app
                    command: ["/bin/sleep", "1000"]
                parameters:
                  - {name: workers, type: integer, required: true}
                  - {name: tier, type: string, default: small, allowed: [small, large]}
                """);
    }

    private static List<String> fields(TestPlane.Reply reply) {
        assertThat(reply.contentType()).startsWith("application/problem+json");
        JsonNode problem = reply.json();
        assertThat(problem.path("status").asInt()).isEqualTo(reply.status());
        assertThat(problem.path("type").asText()).startsWith("https://tenantry.dev/problems/");
        assertThat(problem.path("detail").asText()).isNotBlank();
        List<String> fields = new ArrayList<>();
        problem.path("errors").forEach(e -> fields.add(e.path("field").asText()));
        return fields;
    }

    private static void assertNoInstances() {
        assertThat(plane.get("/v1/tenants/acme/instances?includeDeleted=true").json().path("items")).isEmpty();
    }

    @Test
    void unknownServiceOrPlan() {
        TestPlane.Reply service = plane.createInstance("acme", "web", "nope", "starter");
        assertThat(service.status()).isEqualTo(400);
        assertThat(fields(service)).containsExactly("service");
        TestPlane.Reply plan = plane.createInstance("acme", "web", "hello", "platinum");
        assertThat(plan.status()).isEqualTo(400);
        assertThat(fields(plan)).containsExactly("plan");
        assertThat(plan.body()).as("the plans there are, for the typo").contains("has no plan 'platinum'").contains("its plans: ").contains("starter");
        TestPlane.Reply release = plane.post("/v1/tenants/acme/instances", Map.of("name", "web", "service", "hello", "plan", "starter", "release", "9.9"));
        assertThat(release.status()).isEqualTo(400);
        assertThat(release.body()).contains("has no release '9.9'").contains("its releases: ");
        assertNoInstances();
    }

    @Test
    void invalidSlugs() {
        TestPlane.Reply tenant = plane.post("/v1/tenants", Map.of("id", "Not_A_Slug"));
        assertThat(tenant.status()).isEqualTo(400);
        assertThat(fields(tenant)).containsExactly("id");
        TestPlane.Reply instance = plane.createInstance("acme", "-web-", "hello", "starter");
        assertThat(instance.status()).isEqualTo(400);
        assertThat(fields(instance)).containsExactly("name");
        assertThat(plane.get("/v1/tenants").json().path("items")).extracting(t -> t.path("id").asText()).containsExactly("acme", "dupco", "globex");
        assertNoInstances();
    }

    @Test
    void missingAndMistypedParameters() {
        TestPlane.Reply missing = plane.createInstance("acme", "app", "typed", "basic");
        assertThat(missing.status()).isEqualTo(400);
        assertThat(fields(missing)).containsExactly("parameters.workers");
        TestPlane.Reply mistyped = plane.post("/v1/tenants/acme/instances", Map.of("name", "app", "service", "typed", "plan", "basic",
                "parameters", Map.of("workers", "four", "tier", "huge", "colour", "red")));
        assertThat(mistyped.status()).isEqualTo(400);
        assertThat(fields(mistyped)).containsExactlyInAnyOrder("parameters.workers", "parameters.tier", "parameters.colour");
        assertNoInstances();
    }

    @Test
    void duplicateNames() {
        assertThat(plane.post("/v1/tenants", Map.of("id", "acme")).status()).isEqualTo(409);
        TestPlane.Reply first = plane.post("/v1/tenants/dupco/instances", Map.of("name", "dup", "service", "typed", "plan", "basic",
                "parameters", Map.of("workers", 2)));
        assertThat(first.status()).isEqualTo(202);
        TestPlane.Reply second = plane.post("/v1/tenants/dupco/instances", Map.of("name", "dup", "service", "typed", "plan", "basic",
                "parameters", Map.of("workers", 2)));
        assertThat(second.status()).isEqualTo(409);
        assertThat(fields(second)).containsExactly("name");
        assertThat(plane.get("/v1/tenants/dupco/instances").json().path("items")).hasSize(1);
        assertThat(plane.delete("/v1/tenants/dupco/instances/dup").status()).isEqualTo(202);
        plane.awaitPhase("dupco", "dup", "DELETED");
        assertThat(plane.post("/v1/services", Map.of("name", "typed")).status()).isEqualTo(409);
    }

    @Test
    void concurrentCreatesOfOneNameMakeOneInstanceAndConflicts() throws Exception {
        plane.createTenant("racer");
        Map<String, Object> body = Map.of("name", "same", "service", "typed", "plan", "basic", "parameters", Map.of("workers", 1));
        List<java.util.concurrent.Future<TestPlane.Reply>> replies = new ArrayList<>();
        try (var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 8; i++) replies.add(threads.submit(() -> plane.post("/v1/tenants/racer/instances", body)));
        }
        List<Integer> statuses = new ArrayList<>();
        for (var reply : replies) {
            TestPlane.Reply r = reply.get();
            statuses.add(r.status());
            if (r.status() == 409) assertThat(fields(r)).containsExactly("name");
        }
        assertThat(statuses).containsOnly(202, 409).filteredOn(s -> s == 202).hasSize(1);
        assertThat(plane.get("/v1/tenants/racer/instances").json().path("items")).hasSize(1);
    }

    @Test
    void malformedJsonAndYaml() {
        TestPlane.Reply json = plane.send("POST", "/v1/tenants", "{\"id\": \"x\",", "application/json", plane.admin);
        assertThat(json.status()).isEqualTo(400);
        assertThat(fields(json)).containsExactly("body");
        TestPlane.Reply yaml = plane.send("POST", "/v1/services/typed/releases", "version: 2.0.0\nblueprint: [unclosed", "application/yaml", plane.admin);
        assertThat(yaml.status()).isEqualTo(400);
        assertThat(fields(yaml)).containsExactly("blueprint");
        TestPlane.Reply wrongType = plane.send("POST", "/v1/tenants/acme/instances", "{\"name\": [1], \"service\": \"hello\", \"plan\": \"starter\"}",
                "application/json", plane.admin);
        assertThat(wrongType.status()).isEqualTo(400);
        assertThat(fields(wrongType)).containsExactly("name");
        TestPlane.Reply unknownField = plane.send("POST", "/v1/tenants", "{\"id\": \"x\", \"colour\": \"red\"}", "application/json", plane.admin);
        assertThat(unknownField.status()).isEqualTo(400);
        assertThat(fields(unknownField)).containsExactly("colour");
        assertThat(plane.get("/v1/services/typed/releases").json().path("items")).hasSize(1);
        assertNoInstances();
    }

    @Test
    void anInvalidBlueprintNamesItsFieldsAndCreatesNoRelease() {
        TestPlane.Reply reply = plane.send("POST", "/v1/services/typed/releases", """
                version: 2.0.0
                blueprint:
                  components:
                    - name: app
                      command: []
                      health: {type: http, port: missing}
                """, "application/yaml", plane.admin);
        assertThat(reply.status()).isEqualTo(400);
        assertThat(fields(reply)).contains("blueprint.components[0].command", "blueprint.components[0].health.port");
        assertThat(plane.get("/v1/services/typed/releases").json().path("items")).hasSize(1);
    }

    @Test
    void oversizedBody() {
        String big = "{\"id\": \"big\", \"name\": \"" + "x".repeat(2 * 1024 * 1024) + "\"}";
        // as curl does for large bodies: ask before sending, so the 413 arrives before the body would
        TestPlane.Reply reply = plane.sendExpectingContinue("POST", "/v1/tenants", big, plane.admin);
        assertThat(reply.status()).isEqualTo(413);
        assertThat(reply.contentType()).startsWith("application/problem+json");
        assertThat(plane.get("/v1/tenants/big").status()).isEqualTo(404);
    }

    @Test
    void releasesAreImmutable() {
        TestPlane.Reply reply = plane.send("POST", "/v1/services/typed/releases", "version: 1.0.0\nblueprint:\n  components: [{name: x, command: [/bin/true]}]",
                "application/yaml", plane.admin);
        assertThat(reply.status()).isEqualTo(409);
        assertThat(fields(reply)).containsExactly("version");
    }

    @Test
    void unknownObjectsAre404() {
        assertThat(plane.get("/v1/tenants/ghost").status()).isEqualTo(404);
        assertThat(plane.get("/v1/tenants/ghost/instances").status()).isEqualTo(404);
        assertThat(plane.get("/v1/tenants/acme/instances/ghost").status()).isEqualTo(404);
        assertThat(plane.get("/v1/operations/op_ghost").status()).isEqualTo(404);
        assertThat(plane.createInstance("ghost", "web", "hello", "starter").status()).isEqualTo(404);
        TestPlane.Reply route = plane.get("/v1/no-such-route");
        assertThat(route.status()).isEqualTo(404);
        assertThat(route.contentType()).startsWith("application/problem+json");
    }
}
