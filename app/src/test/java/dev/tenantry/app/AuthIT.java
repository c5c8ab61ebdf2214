package dev.tenantry.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Authentication by bearer token, authorisation by role and by tenant ownership, token lifecycle and audit. */
class AuthIT extends WithPlane {

    private static String token(String name, String role, String tenant) {
        Map<String, Object> body = tenant == null ? Map.of("name", name, "role", role) : Map.of("name", name, "role", role, "tenant", tenant);
        TestPlane.Reply reply = plane.post("/v1/tokens", body);
        assertThat(reply.status()).isEqualTo(201);
        assertThat(reply.json().path("secret").asText()).startsWith("tnt_");
        return reply.json().path("secret").asText();
    }

    @Test
    void withoutAValidTokenEverythingButReadyzIs401() {
        assertThat(plane.call("GET", "/readyz", null, null).status()).isEqualTo(200);
        for (String path : new String[] {"/v1/tenants", "/v1/services", "/v1/cells", "/v1/audit", "/v1/tokens", "/v1/operations/x"}) {
            TestPlane.Reply reply = plane.call("GET", path, null, null);
            assertThat(reply.status()).as(path).isEqualTo(401);
            assertThat(reply.raw().headers().firstValue("WWW-Authenticate")).as(path).isPresent();
        }
        assertThat(plane.call("POST", "/v1/tenants", Map.of("id", "evil"), null).status()).isEqualTo(401);
        assertThat(plane.call("GET", "/v1/tenants", null, "tnt_not-a-real-token").status()).isEqualTo(401);
        assertThat(plane.call("GET", "/v1/tenants", null, "garbage").status()).isEqualTo(401);
        assertThat(plane.get("/v1/tenants/evil").status()).isEqualTo(404);
    }

    @Test
    void aViewerReadsButCannotMutate() {
        String viewer = token("auditor", "viewer", null);
        assertThat(plane.call("GET", "/v1/tenants", null, viewer).status()).isEqualTo(200);
        assertThat(plane.call("GET", "/v1/tenants/acme/instances", null, viewer).status()).isEqualTo(200);
        TestPlane.Reply create = plane.call("POST", "/v1/tenants", Map.of("id", "viewer-made"), viewer);
        assertThat(create.status()).isEqualTo(403);
        assertThat(create.contentType()).startsWith("application/problem+json");
        assertThat(plane.call("POST", "/v1/tenants/acme/instances", Map.of("name", "x", "service", "hello", "plan", "starter"), viewer).status())
                .isEqualTo(403);
        assertThat(plane.call("DELETE", "/v1/tenants/acme", null, viewer).status()).isEqualTo(403);
        assertThat(plane.call("POST", "/v1/tokens", Map.of("name", "escalate", "role", "admin"), viewer).status()).isEqualTo(403);
        assertThat(plane.get("/v1/tenants/viewer-made").status()).isEqualTo(404);
        assertThat(plane.get("/v1/tenants/acme").status()).isEqualTo(200);
    }

    @Test
    void anOperatorManagesTenantsButNotTheCatalogOrTokens() {
        String operator = token("ops", "operator", null);
        assertThat(plane.call("POST", "/v1/tenants", Map.of("id", "initech"), operator).status()).isEqualTo(201);
        assertThat(plane.call("POST", "/v1/services", Map.of("name", "sneaky"), operator).status()).isEqualTo(403);
        assertThat(plane.call("GET", "/v1/tokens", null, operator).status()).isEqualTo(403);
    }

    @Test
    void aTenantScopedTokenNeverReachesAnotherTenant() {
        String acmeAdmin = token("acme admin", "admin", "acme");
        assertThat(plane.call("GET", "/v1/tenants/acme", null, acmeAdmin).status()).isEqualTo(200);
        // 403 whether the other tenant exists or not: a tenant token cannot even learn which tenants exist
        assertThat(plane.call("GET", "/v1/tenants/globex", null, acmeAdmin).status()).isEqualTo(403);
        assertThat(plane.call("GET", "/v1/tenants/no-such-tenant", null, acmeAdmin).status()).isEqualTo(403);
        assertThat(plane.call("GET", "/v1/tenants/globex/instances", null, acmeAdmin).status()).isEqualTo(403);
        assertThat(plane.call("POST", "/v1/tenants/globex/instances", Map.of("name", "x", "service", "hello", "plan", "starter"), acmeAdmin)
                .status()).isEqualTo(403);
        JsonNode tenants = plane.call("GET", "/v1/tenants", null, acmeAdmin).json().path("items");
        assertThat(tenants).hasSize(1);
        assertThat(tenants.get(0).path("id").asText()).isEqualTo("acme");
        assertThat(plane.call("POST", "/v1/tokens", Map.of("name", "other", "role", "viewer", "tenant", "globex"), acmeAdmin).status())
                .isEqualTo(403);
        assertThat(plane.call("GET", "/v1/audit?tenant=globex", null, acmeAdmin).json().path("items")).isEmpty();
        assertThat(plane.call("GET", "/v1/tokens", null, acmeAdmin).json().path("items"))
                .allSatisfy(t -> assertThat(t.path("tenant").asText()).isEqualTo("acme"));
    }

    @Test
    void aTenantAdminReachesNothingProviderWide() {
        String acmeAdmin = token("acme owner", "admin", "acme");
        int releases = plane.get("/v1/services/hello/releases").json().path("items").size();
        String release = "version: 6.6.6\nblueprint:\n" + TestPlane.helloBlueprint("/healthz").indent(2);
        assertThat(plane.send("POST", "/v1/services/hello/releases", release, "application/yaml", acmeAdmin).status()).isEqualTo(403);
        assertThat(plane.call("POST", "/v1/services", Map.of("name", "mine"), acmeAdmin).status()).isEqualTo(403);
        assertThat(plane.call("POST", "/v1/services/hello/plans", Map.of("name", "free", "replicas", 1), acmeAdmin).status()).isEqualTo(403);
        assertThat(plane.call("GET", "/v1/cells/local/desired?wait=0", null, acmeAdmin).status()).isEqualTo(403);
        Map<String, Object> registration = Map.of("region", "evil", "driver", "process", "capacity", 100000, "baseDomain", "evil.example",
                "endpointTemplate", "http://{host}:1/");
        assertThat(plane.call("PUT", "/v1/cells/rogue", registration, acmeAdmin).status()).isEqualTo(403);
        assertThat(plane.call("PUT", "/v1/cells/local", registration, acmeAdmin).status()).isEqualTo(403);
        assertThat(plane.call("PUT", "/v1/cells/local", registration, plane.admin).status()).as("not even a provider admin is the cell's agent")
                .isEqualTo(403);
        assertThat(plane.call("POST", "/v1/rollouts", Map.of("service", "hello", "release", "1.0.0"), acmeAdmin).status()).isEqualTo(403);
        assertThat(plane.call("PUT", "/v1/protection", Map.of("tenantLabels", Map.of()), acmeAdmin).status()).isEqualTo(403);
        assertThat(plane.call("POST", "/v1/tokens", Map.of("name", "root", "role", "admin"), acmeAdmin).status()).isEqualTo(403);
        assertThat(plane.call("POST", "/v1/tokens", Map.of("name", "cell", "role", "agent", "cell", "rogue"), acmeAdmin).status()).isEqualTo(403);
        assertThat(plane.call("POST", "/v1/tenants", Map.of("id", "acme-two"), acmeAdmin).status()).isEqualTo(403);

        assertThat(plane.get("/v1/services/hello/releases").json().path("items")).hasSize(releases);
        assertThat(plane.get("/v1/services/mine").status()).isEqualTo(404);
        assertThat(plane.get("/v1/cells").json().path("items")).extracting(c -> c.path("id").asText()).containsExactly("local");
        assertThat(plane.get("/v1/cells/local").json().path("region").asText()).isEqualTo("local");
        assertThat(plane.call("POST", "/v1/tokens", Map.of("name", "acme viewer", "role", "viewer", "tenant", "acme"), acmeAdmin).status())
                .as("its own tenant's tokens it manages").isEqualTo(201);
    }

    @Test
    void onlyProviderAdminsChangeLabelsAndEveryChangeIsAuditedFromAndTo() {
        String operator = token("label ops", "operator", null);
        String acmeAdmin = token("acme labeller", "admin", "acme");
        assertThat(plane.call("PUT", "/v1/tenants/globex/labels", Map.of("labels", Map.of()), operator).status()).isEqualTo(403);
        assertThat(plane.call("PUT", "/v1/tenants/acme/labels", Map.of("labels", Map.of()), acmeAdmin).status()).isEqualTo(403);
        assertThat(plane.call("PUT", "/v1/tenants/globex/labels", Map.of("labels", Map.of("tier", "enterprise")), plane.admin).status()).isEqualTo(200);
        assertThat(plane.call("PUT", "/v1/tenants/globex/labels", Map.of("labels", Map.of("tier", "free")), plane.admin).status()).isEqualTo(200);
        JsonNode audit = plane.get("/v1/audit?tenant=globex&limit=50").json().path("items");
        assertThat(audit).anySatisfy(e -> {
            assertThat(e.path("action").asText()).isEqualTo("tenant.labels");
            assertThat(e.path("detail").asText()).contains("tier=enterprise").contains("tier=free");
        });
    }

    @Test
    void cellRegistrationIsAudited() {
        JsonNode audit = plane.get("/v1/audit?limit=500").json().path("items");
        assertThat(audit).anySatisfy(e -> {
            assertThat(e.path("action").asText()).isEqualTo("PUT /v1/cells/{cell}");
            assertThat(e.path("actor").asText()).startsWith("agent of cell local");
            assertThat(e.path("result").asText()).isEqualTo("success");
        });
    }

    @Test
    void anAgentTokenServesOnlyItsCell() {
        String agent = plane.post("/v1/tokens", Map.of("name", "agent", "role", "agent", "cell", "far-away")).json().path("secret").asText();
        assertThat(plane.call("GET", "/v1/tenants", null, agent).status()).isEqualTo(403);
        assertThat(plane.call("GET", "/v1/cells/local/desired?wait=0", null, agent).status()).isEqualTo(403);
        // its own cell was never registered: nothing to poll or report to
        assertThat(plane.call("GET", "/v1/cells/far-away/desired?wait=0", null, agent).status()).isEqualTo(404);
        TestPlane.Reply report = plane.call("PUT", "/v1/cells/far-away/status",
                Map.of("cell", "far-away", "agentId", "agent-1", "appliedRevision", 0, "full", true, "instances", List.of(), "removed", List.of()), agent);
        assertThat(report.status()).isEqualTo(404);
        assertThat(plane.get("/v1/cells").json().path("items")).extracting(c -> c.path("id").asText()).doesNotContain("far-away");
    }

    @Test
    void aTenantHasAtMostAHundredActiveTokensSoThatItCannotMultiplyItsLimits() {
        plane.createTenant("minter");
        String admin = token("minter admin", "admin", "minter");
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 1; i < 100; i++) {
            TestPlane.Reply made = plane.call("POST", "/v1/tokens", Map.of("name", "t" + i, "role", "viewer", "tenant", "minter"), admin);
            assertThat(made.status()).as("token " + (i + 1) + ": " + made.body()).isEqualTo(201);
            ids.add(made.json().path("id").asText());
        }
        TestPlane.Reply refused = plane.call("POST", "/v1/tokens", Map.of("name", "one too many", "role", "viewer", "tenant", "minter"), admin);
        assertThat(refused.status()).as(refused.body()).isEqualTo(409);
        assertThat(refused.body()).contains("quota-exceeded").contains("\"tokens\"").contains("100 active tokens");
        assertThat(plane.post("/v1/tokens", Map.of("name", "by the provider", "role", "viewer", "tenant", "minter")).status())
                .as("whoever asks").isEqualTo(409);
        assertThat(plane.call("DELETE", "/v1/tokens/" + ids.getFirst(), null, admin).status()).isEqualTo(204);
        assertThat(plane.call("POST", "/v1/tokens", Map.of("name", "in its place", "role", "viewer", "tenant", "minter"), admin).status())
                .as("a revoked token frees its place").isEqualTo(201);
    }

    @Test
    void revokedTokensStopWorkingAndSecretsAreNeverListed() {
        TestPlane.Reply created = plane.post("/v1/tokens", Map.of("name", "temp", "role", "viewer"));
        String secret = created.json().path("secret").asText();
        String id = created.json().path("id").asText();
        assertThat(plane.call("GET", "/v1/tenants", null, secret).status()).isEqualTo(200);
        assertThat(plane.get("/v1/tokens").body()).doesNotContain(secret).doesNotContain("\"secret\"");
        assertThat(plane.delete("/v1/tokens/" + id).status()).isEqualTo(204);
        assertThat(plane.call("GET", "/v1/tenants", null, secret).status()).isEqualTo(401);
    }

    @Test
    void mutatingCallsAreAuditedWithActorAndResult() {
        String viewer = token("curious", "viewer", null);
        plane.call("POST", "/v1/tenants", Map.of("id", "denied-one"), viewer);
        plane.post("/v1/tenants", Map.of("id", "audited"));
        JsonNode items = plane.get("/v1/audit?limit=200").json().path("items");
        boolean created = false;
        boolean denied = false;
        for (JsonNode e : items) {
            if (e.path("target").asText().equals("/v1/tenants") && e.path("actor").asText().startsWith("admin")
                    && e.path("result").asText().equals("success")) created = true;
            if (e.path("actor").asText().startsWith("curious") && e.path("result").asText().equals("denied")) denied = true;
        }
        assertThat(created).isTrue();
        assertThat(denied).as("a denied call by a viewer is audited").isTrue();
    }

    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path tokenFiles;

    @Test
    void serverReplicasShareOneBootstrapAdminTokenFromAFile() throws Exception {
        var tokens = plane.dev.server().services().tokens();
        java.nio.file.Path file = tokenFiles.resolve("shared-admin.token");
        String secret = "tnt_" + "k".repeat(43);
        java.nio.file.Files.writeString(file, secret + "\n");
        var request = new dev.tenantry.api.model.TokenCreate("admin (shared)", dev.tenantry.api.model.Role.admin, null, null);
        HomeFiles.StoredToken first = HomeFiles.adoptedToken(file, tokens, request);
        HomeFiles.StoredToken second = HomeFiles.adoptedToken(file, tokens, request);
        assertThat(first.created()).as("a token in the file is taken, not replaced").isFalse();
        assertThat(second.secret()).isEqualTo(secret);
        assertThat(plane.call("GET", "/v1/tenants", null, secret).status()).isEqualTo(200);
        long registered = 0;
        for (JsonNode t : plane.get("/v1/tokens").json().path("items")) if (t.path("name").asText().equals("admin (shared)")) registered++;
        assertThat(registered).as("registered once, whatever the number of replicas").isEqualTo(1);

        java.nio.file.Path empty = java.nio.file.Files.createDirectory(tokenFiles.resolve("empty")).resolve("admin.token");
        HomeFiles.StoredToken made = HomeFiles.adoptedToken(empty, tokens, request);
        assertThat(made.created()).isTrue();
        assertThat(java.nio.file.Files.readString(empty).strip()).isEqualTo(made.secret());

        java.nio.file.Files.writeString(file, "not a token");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> HomeFiles.adoptedToken(file, tokens, request))
                .hasMessageContaining("tnt_");
    }
}
