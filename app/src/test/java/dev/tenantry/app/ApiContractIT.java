package dev.tenantry.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The README's walk-through and the rest of the API, done over HTTP against a real control plane (with a database
 * server for tenant data), with every answer checked against the OpenAPI document: its status and headers documented,
 * its JSON body valid against the schema with unknown fields forbidden.
 */
class ApiContractIT {
    private static TestPlane plane;
    private static OpenApiContract contract;
    private static final Set<String> violations = java.util.Collections.synchronizedSet(new java.util.TreeSet<>());
    private static final Set<String> exercised = ConcurrentHashMap.newKeySet();

    @BeforeAll
    static void start() throws Exception {
        plane = TestPlane.startWithTenantData();
        contract = new OpenApiContract(plane.get("/v1/openapi.json").json());
        plane.apiObserver = (request, reply) -> {
            String path = request.uri().getRawPath() + (request.uri().getRawQuery() == null ? "" : "?" + request.uri().getRawQuery());
            violations.addAll(contract.check(request.method(), path, reply.status(), reply.raw().headers().map(), reply.body()).stream()
                    .map(v -> v.replaceAll("/(items|steps|replicas|conditions|components|tenants)/[0-9]+", "/$1/*")).toList());
            exercised.add(request.method() + " " + request.uri().getRawPath().replaceAll("/[^/]*[0-9][^/]*", "/*"));
        };
    }

    @AfterAll
    static void stop() throws Exception {
        plane.close();
    }

    @Test
    void everyAnswerOfTheWalkThroughMatchesTheDocument() {
        catalog();
        tenants();
        instances();
        tenantData();
        fleet();
        operatorViews();
        errors();
        try {
            java.nio.file.Files.write(java.nio.file.Path.of("target", "api-contract-findings.txt"),
                    java.util.stream.Stream.concat(unexpected.stream(), violations.stream()).toList());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertThat(unexpected).as("answers of another status than the walk-through expects").isEmpty();
        assertThat(violations).as("answers that do not match the OpenAPI document").isEmpty();
        assertThat(exercised.size()).as("distinct operations exercised").isGreaterThan(60);
    }

    private void catalog() {
        plane.get("/v1/services");
        plane.get("/v1/services?limit=1");
        plane.get("/v1/services/hello");
        plane.get("/v1/services/hello/releases");
        plane.get("/v1/services/notes/releases/1.0.0");
        plane.get("/v1/services/hello/plans");
        plane.get("/v1/services/hello/plans/starter");
        ok(plane.post("/v1/services", Map.of("name", "extra", "description", "a second service")), 201);
        ok(plane.post("/v1/services/extra/plans", Map.of("name", "basic", "replicas", 1, "pricePerHour", 0.02)), 201);
        ok(plane.call("PUT", "/v1/services/hello/plans/starter/unit-prices", Map.of("perMillionRequests", 2.5, "perGbOut", 0.1), plane.admin), 200);
        plane.get("/v1/services/hello/plans/starter/unit-prices");
        ok(plane.call("PUT", "/v1/services/hello/secrets/api_key", Map.of("value", "s3cret"), plane.admin), 200);
        plane.get("/v1/services/hello/secrets");
        plane.get("/v1/services/hello/secrets/api_key");
        ok(plane.delete("/v1/services/hello/secrets/api_key"), 204);
    }

    private void tenants() {
        ok(plane.callWithHeaders("POST", "/v1/tenants", Map.of("id", "acme", "name", "Acme Corp"), Map.of("Idempotency-Key", "acme-1")), 201);
        ok(plane.callWithHeaders("POST", "/v1/tenants", Map.of("id", "acme", "name", "Acme Corp"), Map.of("Idempotency-Key", "acme-1")), 201);
        plane.get("/v1/tenants");
        TestPlane.Reply acme = ok(plane.get("/v1/tenants/acme"), 200);
        String etag = acme.raw().headers().firstValue("ETag").orElseThrow();
        ok(plane.callWithHeaders("GET", "/v1/tenants/acme", null, Map.of("If-None-Match", etag)), 304);
        ok(plane.callWithHeaders("PUT", "/v1/tenants/acme/labels", Map.of("labels", Map.of("tier", "gold")), Map.of("If-Match", etag)), 200);
        ok(plane.callWithHeaders("PUT", "/v1/tenants/acme/labels", Map.of("labels", Map.of("tier", "silver")), Map.of("If-Match", etag)), 412);
        ok(plane.call("PUT", "/v1/tenants/acme/maintenance-window", Map.of("start", "02:00", "durationMinutes", 120), plane.admin), 200);
        ok(plane.delete("/v1/tenants/acme/maintenance-window"), 200);
        ok(plane.call("PUT", "/v1/tenants/acme/quota", Map.of("instances", 10, "memoryMb", 8192), plane.admin), 200);
        plane.get("/v1/tenants/acme/quota");
        ok(plane.call("PUT", "/v1/tenants/acme/secrets/smtp", Map.of("value", "pw"), plane.admin), 200);
        plane.get("/v1/tenants/acme/secrets");
        plane.get("/v1/tenants/acme/secrets/smtp");
        ok(plane.post("/v1/tenants", Map.of("id", "gone")), 201);
        ok(plane.delete("/v1/tenants/gone"), 204);
    }

    private void instances() {
        TestPlane.Reply created = ok(plane.callWithHeaders("POST", "/v1/tenants/acme/instances",
                Map.of("name", "web", "service", "hello", "plan", "starter"), Map.of("Idempotency-Key", "web-1")), 202);
        plane.awaitOperation(created.json().path("operation").path("id").asText());
        ok(plane.callWithHeaders("POST", "/v1/tenants/acme/instances",
                Map.of("name", "web", "service", "hello", "plan", "starter"), Map.of("Idempotency-Key", "web-1")), 202);
        plane.get("/v1/tenants/acme/instances");
        plane.get("/v1/tenants/acme/instances?limit=1");
        TestPlane.Reply web = ok(plane.get("/v1/tenants/acme/instances/web"), 200);
        ok(plane.callWithHeaders("GET", "/v1/tenants/acme/instances/web", null,
                Map.of("If-None-Match", web.raw().headers().firstValue("ETag").orElseThrow())), 304);
        await(plane.callWithHeaders("PATCH", "/v1/tenants/acme/instances/web", Map.of("parameters", Map.of("greeting", "Hola")),
                Map.of("If-Match", web.raw().headers().firstValue("ETag").orElseThrow())));
        await(plane.post("/v1/tenants/acme/instances/web/scale", Map.of("replicas", 2)));
        await(plane.post("/v1/tenants/acme/instances/web/restart", null));
        await(plane.post("/v1/tenants/acme/instances/web/stop", null));
        await(plane.post("/v1/tenants/acme/instances/web/start", null));
        await(plane.post("/v1/tenants/acme/instances/web/hibernate", null));
        await(plane.post("/v1/tenants/acme/instances/web/wake", null));
        plane.get("/v1/tenants/acme/instances/web/releases");
        plane.get("/v1/tenants/acme/instances/web/logs?tail=5");
        plane.get("/v1/tenants/acme/instances/web/domains");
        await(plane.delete("/v1/tenants/acme/instances/web"));
        plane.get("/v1/tenants/acme/instances?includeDeleted=true");
        await(plane.post("/v1/tenants/acme/instances/web/restore", null));
        await(plane.delete("/v1/tenants/acme/instances/web"));
        await(plane.post("/v1/tenants/acme/instances/web/purge", null));
    }

    private void tenantData() {
        plane.get("/v1/database-servers");
        plane.get("/v1/database-servers/local");
        await(plane.post("/v1/tenants/acme/instances", Map.of("name", "notes", "service", "notes", "plan", "schema", "release", "1.0.0")));
        plane.get("/v1/tenants/acme/instances/notes/database");
        await(plane.post("/v1/tenants/acme/instances/notes/database/rotate", null));
        TestPlane.Reply backup = await(plane.post("/v1/tenants/acme/instances/notes/backups", null));
        String id = backup.json().path("id").asText();
        plane.get("/v1/tenants/acme/instances/notes/backups");
        plane.get("/v1/tenants/acme/instances/notes/backups/" + id);
        await(plane.post("/v1/tenants/acme/instances/notes/backups/" + id + "/restore", Map.of()));
    }

    private void fleet() {
        TestPlane.Reply rollout = ok(plane.post("/v1/rollouts", Map.of("service", "notes", "release", "1.1.0",
                "selector", Map.of("tenants", List.of("acme")), "strategy", Map.of("bakeSeconds", 0))), 201);
        String id = rollout.json().path("id").asText();
        plane.get("/v1/rollouts");
        plane.get("/v1/rollouts/" + id);
        plane.post("/v1/rollouts/" + id + "/pause", null);
        plane.post("/v1/rollouts/" + id + "/resume", null);
        org.awaitility.Awaitility.await().atMost(TestPlane.WAIT).until(() -> plane.get("/v1/rollouts/" + id).json().path("state").asText().equals("SUCCEEDED"));
        ok(plane.call("PUT", "/v1/tenants/acme/instances/notes/pin", Map.of("release", "1.1.0"), plane.admin), 200);
        ok(plane.delete("/v1/tenants/acme/instances/notes/pin"), 200);
        ok(plane.call("PUT", "/v1/tenants/acme/pins/notes", Map.of("release", "1.1.0"), plane.admin), 200);
        ok(plane.delete("/v1/tenants/acme/pins/notes"), 204);
        plane.get("/v1/protection");
        ok(plane.call("PUT", "/v1/protection", Map.of("services", List.of(), "tenantLabels", Map.of("tier", "platinum")), plane.admin), 200);
    }

    private void operatorViews() {
        plane.get("/v1/cells");
        plane.get("/v1/cells/local");
        ok(plane.call("PUT", "/v1/cells/local/cost-model", Map.of("perCoreHour", 0.04, "perGbHourMemory", 0.005, "perGbHourStorage", 0.0001), plane.admin), 200);
        plane.get("/v1/cells/local/cost-model");
        ok(plane.post("/v1/cells/edge/join-tokens", Map.of()), 201);
        TestPlane.Reply token = ok(plane.post("/v1/tokens", Map.of("name", "ci", "role", "viewer", "tenant", "acme")), 201);
        plane.get("/v1/tokens");
        plane.get("/v1/tokens?limit=1");
        ok(plane.delete("/v1/tokens/" + token.json().path("id").asText()), 204);
        plane.get("/v1/audit?limit=5");
        plane.get("/v1/audit/verify");
        plane.get("/v1/audit/checkpoints");
        plane.post("/v1/audit/checkpoints", null);
        plane.get("/v1/audit/checkpoint-key");
        plane.get("/v1/alerts");
        plane.get("/v1/alert-rules");
        ok(plane.call("PUT", "/v1/alert-rules/instance-not-ready/overrides", Map.of("tenant", "acme", "threshold", 5), plane.admin), 200);
        ok(plane.delete("/v1/alert-rules/instance-not-ready/overrides?tenant=acme"), 204);
        TestPlane.Reply hook = ok(plane.post("/v1/webhooks", Map.of("url", "http://127.0.0.1:9/hook", "types", List.of("alert.*"))), 201);
        String hookId = hook.json().path("id").asText();
        plane.get("/v1/webhooks");
        plane.get("/v1/webhooks/" + hookId);
        plane.get("/v1/webhooks/" + hookId + "/deliveries");
        plane.post("/v1/webhooks/" + hookId + "/test", null);
        ok(plane.delete("/v1/webhooks/" + hookId), 204);
        plane.get("/v1/usage");
        plane.get("/v1/usage?groupBy=instance");
        plane.get("/v1/margin");
        plane.get("/metrics");
        plane.get("/readyz");
        plane.get("/v1/ca");
        ok(plane.call("GET", "/docs", null, null), 200);
        ok(plane.call("GET", "/docs/assets/swagger-ui.css", null, null), 200);
        plane.asAgent("/v1/cells/local/desired?after=0&wait=0");
    }

    private void errors() {
        ok(plane.call("GET", "/v1/tenants", null, null), 401);
        ok(plane.callWithHeaders("GET", "/v1/tenants", null, Map.of("Accept", "text/csv")), 406);
        ok(plane.callWithHeaders("POST", "/v1/tenants", Map.of("id", "other"), Map.of("Idempotency-Key", "acme-1")), 422);
        ok(plane.post("/v1/tenants", Map.of("id", "Not A Slug")), 400);
        ok(plane.get("/v1/tenants/nobody"), 404);
        ok(plane.post("/v1/tenants", Map.of("id", "acme")), 409);
        ok(plane.send("POST", "/v1/tenants", "id=x", "application/x-www-form-urlencoded", plane.admin), 415);
        // asks before sending (as curl does for large bodies): without it the server may close the connection mid-body
        ok(plane.sendExpectingContinue("POST", "/v1/tenants", "{\"id\": \"" + "x".repeat(2_000_000) + "\"}", plane.admin), 413);
        ok(plane.get("/v1/tokens?cursor=nowhere"), 400);
    }

    private static final List<String> unexpected = new CopyOnWriteArrayList<>();

    /** Notes an answer of another status than {@code status} (all are reported at the end, with the contract's findings). */
    private static TestPlane.Reply ok(TestPlane.Reply reply, int status) {
        if (reply.status() != status) {
            unexpected.add(reply.raw().request().method() + " " + reply.raw().uri().getRawPath() + ": " + reply.status() + " instead of " + status
                    + ": " + reply.body().substring(0, Math.min(400, reply.body().length())));
        }
        return reply;
    }

    /** A 2xx answer with an operation: waits until it ends. */
    private static TestPlane.Reply await(TestPlane.Reply reply) {
        if (reply.status() < 200 || reply.status() > 299) {
            ok(reply, 202);
            return reply;
        }
        JsonNode body = reply.json();
        String operation = body.path("operation").isTextual() ? body.path("operation").asText() : body.path("operation").path("id").asText();
        if (!operation.isEmpty()) plane.awaitOperation(operation);
        return reply;
    }
}
