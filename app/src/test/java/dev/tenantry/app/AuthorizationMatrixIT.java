package dev.tenantry.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The authorization matrix, generated from the OpenAPI document: every operation is called by every kind of
 * caller, and the status must be what the operation's {@code x-access} promises. The expectation is worked out
 * here from the document, independently of the server's policy code: a caller outside the audience gets
 * 401 (no valid token) or 403; a caller inside it gets past authorization (no 401 or 403, no 5xx).
 */
class AuthorizationMatrixIT extends WithPlane {
    private static final String OWN = "acme";
    private static final String FOREIGN = "globex";
    private static final String CELL = "local";

    /** A kind of caller: its token (null: none), its tenant or cell, its role rank (0: not a person). */
    record Caller(String label, String token, String tenant, String cell, int rank, boolean authenticated) {}

    private static final List<Caller> callers = new ArrayList<>();

    @BeforeAll
    static void issueTokens() {
        assertThat(plane.createInstance(OWN, "keep", "hello", "starter").status()).as("an instance keeps acme from being deleted").isEqualTo(202);
        callers.add(new Caller("no token", null, null, null, 0, false));
        callers.add(new Caller("malformed token", "not a token", null, null, 0, false));
        String revoked = token(Map.of("name", "revoked", "role", "admin"));
        assertThat(plane.delete("/v1/tokens/" + idOf("revoked")).status()).isEqualTo(204);
        callers.add(new Caller("revoked admin", revoked, null, null, 0, false));
        String[] roles = {"viewer", "operator", "admin"};
        for (int i = 0; i < roles.length; i++) {
            callers.add(new Caller("provider " + roles[i], token(Map.of("name", "p-" + roles[i], "role", roles[i])), null, null, i + 1, true));
            callers.add(new Caller("acme " + roles[i], token(Map.of("name", "t-" + roles[i], "role", roles[i], "tenant", OWN)), OWN, null, i + 1, true));
        }
        callers.add(new Caller("agent of local", secret(plane.home.resolve("agent.token")), null, CELL, 0, true));
        callers.add(new Caller("agent of far-away", token(Map.of("name", "far agent", "role", "agent", "cell", "far-away")), null, "far-away", 0, true));
    }

    @Test
    void everyOperationAnswersEveryCallerAsItsAccessPolicySays() {
        JsonNode doc = plane.dev.server().api().openApi();
        OpenApiContract contract = new OpenApiContract(doc);
        SoftAssertions softly = new SoftAssertions();
        int calls = 0;
        for (var path : doc.path("paths").properties()) {
            for (var op : path.getValue().properties()) {
                String method = op.getKey().toUpperCase(Locale.ROOT);
                if (!List.of("GET", "POST", "PUT", "PATCH", "DELETE").contains(method)) continue;
                String access = op.getValue().path("x-access").asText();
                for (Caller caller : callers) {
                    List<String> tenants = path.getKey().contains("{tenant}") && caller.tenant() != null ? List.of(OWN, FOREIGN) : List.of(OWN);
                    for (String tenant : tenants) {
                        String url = concrete(path.getKey(), tenant);
                        // revoking cuts a cell's agents off: done to a cell of its own, not to the one whose agent is a caller
                        if (path.getKey().endsWith("/revoke")) url = url.replace("/cells/" + CELL + "/", "/cells/revocable/");
                        TestPlane.Reply reply = plane.call(method, url, method.equals("GET") || method.equals("DELETE") ? null : Map.of(), caller.token());
                        calls++;
                        String what = method + " " + url + " [" + access + "] by " + caller.label();
                        softly.assertThat(contract.check(method, url, reply.status(), reply.raw().headers().map(), reply.body()))
                                .as(what + ": the answer as the OpenAPI document describes it").isEmpty();
                        String cell = !path.getKey().contains("{cell}") ? null : path.getKey().endsWith("/revoke") ? "revocable" : CELL;
                        int expected = expected(access, caller, path.getKey().contains("{tenant}") ? tenant : null, cell);
                        if (expected == 0) {
                            softly.assertThat(reply.status()).as(what + ": " + reply.body()).isNotIn(401, 403).isLessThan(500);
                        } else {
                            softly.assertThat(reply.status()).as(what + ": " + reply.body()).isEqualTo(expected);
                            softly.assertThat(reply.contentType()).as(what).startsWith("application/problem+json");
                        }
                    }
                }
            }
        }
        softly.assertAll();
        assertThat(calls).as("operations × callers").isGreaterThan(50 * callers.size());
    }

    @Test
    void everyRouteDeclaresThePolicyTheDocumentPromises() {
        JsonNode doc = plane.dev.server().api().openApi();
        Map<String, String> documented = new TreeMap<>();
        doc.path("paths").properties().forEach(path -> path.getValue().properties().forEach(op -> {
            if (List.of("get", "post", "put", "delete", "patch").contains(op.getKey())) {
                assertThat(op.getValue().path("x-access").asText()).as(op.getKey() + " " + path.getKey() + " has an x-access")
                        .matches("public|cell-agent|(provider|tenant|member):(viewer|operator|admin)");
                documented.put(op.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey(), op.getValue().path("x-access").asText());
            }
        }));
        assertThat(plane.dev.server().api().accessPolicies()).isEqualTo(documented);
    }

    /** 0 when the caller is let through; else the status that keeps it out. Worked out from x-access alone. */
    private static int expected(String access, Caller caller, String pathTenant, String pathCell) {
        if (access.equals("public")) return 0;
        if (!caller.authenticated()) return 401;
        if (access.equals("cell-agent")) return caller.cell() != null && caller.cell().equals(pathCell) ? 0 : 403;
        if (caller.cell() != null) return 403;
        String[] parts = access.split(":");
        int least = List.of("viewer", "operator", "admin").indexOf(parts[1]) + 1;
        if (caller.rank() < least) return 403;
        return switch (parts[0]) {
            case "provider" -> caller.tenant() == null ? 0 : 403;
            case "tenant" -> caller.tenant() == null || caller.tenant().equals(pathTenant) ? 0 : 403;
            default -> 0;
        };
    }

    /** The path with its parameters filled: the caller's tenant, the local cell, and objects that do not exist. */
    private static String concrete(String template, String tenant) {
        String path = template.replace("{tenant}", tenant).replace("{cell}", CELL).replace("{service}", "hello")
                .replace("{name}", "nosuch").replace("{id}", "nosuch").replace("{domain}", "www.example.com").replace("{version}", "9.9.9").replace("{plan}", "nosuch").replace("{server}", "nosuch").replace("{backup}", "nosuch").replace("{rule}", "nosuch").replace("{file}", "swagger-ui.css");
        return path.endsWith("/desired") ? path + "?wait=0" : path;
    }

    private static String token(Map<String, Object> body) {
        TestPlane.Reply reply = plane.post("/v1/tokens", body);
        assertThat(reply.status()).as(reply.body()).isEqualTo(201);
        return reply.json().path("secret").asText();
    }

    private static String idOf(String name) {
        for (JsonNode t : plane.get("/v1/tokens").json().path("items")) if (t.path("name").asText().equals(name)) return t.path("id").asText();
        throw new AssertionError("no token " + name);
    }

    private static String secret(java.nio.file.Path file) {
        try {
            return java.nio.file.Files.readString(file).strip();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
