package dev.tenantry.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One set of HTTP habits on every route: Idempotency-Key, pagination, ETags with If-Match and If-None-Match, Accept. */
class HttpHabitsIT extends WithPlane {

    @Test
    void aRetriedCreateWithTheSameKeyGetsTheFirstAnswerAndCreatesNothingMore() {
        Map<String, String> key = Map.of("Idempotency-Key", "token-once");
        TestPlane.Reply first = plane.callWithHeaders("POST", "/v1/tokens", Map.of("name", "ci", "role", "viewer"), key);
        TestPlane.Reply retry = plane.callWithHeaders("POST", "/v1/tokens", Map.of("name", "ci", "role", "viewer"), key);
        assertThat(first.status()).isEqualTo(201);
        assertThat(retry.status()).isEqualTo(201);
        assertThat(retry.raw().headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(first.raw().headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(retry.json().path("id").asText()).isEqualTo(first.json().path("id").asText());
        assertThat(retry.json().path("secret").asText()).as("the secret shown once, replayed to the retry").isEqualTo(first.json().path("secret").asText());
        assertThat(allItems("/v1/tokens").stream().filter(t -> t.path("name").asText().equals("ci")).count()).isEqualTo(1);

        TestPlane.Reply other = plane.callWithHeaders("POST", "/v1/tokens", Map.of("name", "other", "role", "viewer"), key);
        assertThat(other.status()).isEqualTo(422);
        assertThat(other.json().path("errors").get(0).path("field").asText()).isEqualTo("Idempotency-Key");

        TestPlane.Reply tenant = plane.callWithHeaders("POST", "/v1/tenants", Map.of("id", "initech"), Map.of("Idempotency-Key", "t-1"));
        TestPlane.Reply tenantAgain = plane.callWithHeaders("POST", "/v1/tenants", Map.of("id", "initech"), Map.of("Idempotency-Key", "t-1"));
        assertThat(tenant.status()).isEqualTo(201);
        assertThat(tenantAgain.status()).as("not 409: the same request again").isEqualTo(201);
        assertThat(tenantAgain.raw().headers().firstValue("Location")).hasValue("/v1/tenants/initech");

        TestPlane.Reply failed = plane.callWithHeaders("POST", "/v1/tenants", Map.of("id", "Bad Id"), Map.of("Idempotency-Key", "t-2"));
        assertThat(failed.status()).isEqualTo(400);
        TestPlane.Reply tooLong = plane.callWithHeaders("POST", "/v1/tenants", Map.of("id", "x"), Map.of("Idempotency-Key", "k".repeat(201)));
        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(tooLong.json().path("errors").get(0).path("field").asText()).isEqualTo("Idempotency-Key");
    }

    @Test
    void everyListIsPagedWithLimitAndCursor() {
        for (int i = 0; i < 3; i++) assertThat(plane.post("/v1/tokens", Map.of("name", "page-" + i, "role", "viewer")).status()).isEqualTo(201);
        JsonNode first = plane.get("/v1/tokens?limit=1").json();
        assertThat(first.path("items")).hasSize(1);
        assertThat(first.path("nextCursor").asText()).isNotEmpty();
        List<JsonNode> all = allItems("/v1/tokens");
        assertThat(all.size()).isGreaterThanOrEqualTo(4);
        assertThat(all.stream().map(t -> t.path("id").asText()).distinct().count()).as("no item twice").isEqualTo(all.size());
        assertThat(plane.get("/v1/tokens?cursor=gone").status()).isEqualTo(400);
        for (String list : List.of("/v1/services", "/v1/services/hello/plans", "/v1/services/hello/releases", "/v1/cells", "/v1/rollouts",
                "/v1/tenants", "/v1/tenants/acme/instances", "/v1/alert-rules", "/v1/webhooks", "/v1/tenants/acme/secrets",
                "/v1/database-servers", "/v1/audit")) {
            TestPlane.Reply page = plane.get(list + "?limit=1");
            assertThat(page.status()).as(list).isEqualTo(200);
            assertThat(page.json().path("items").size()).as(list).isLessThanOrEqualTo(1);
            assertThat(plane.get(list + "?limit=0").status()).as(list + " limit=0").isEqualTo(400);
        }
    }

    @Test
    void tenantsHaveETagsForIfMatchAndIfNoneMatch() {
        TestPlane.Reply tenant = plane.get("/v1/tenants/globex");
        String etag = tenant.raw().headers().firstValue("ETag").orElseThrow();
        assertThat(plane.callWithHeaders("GET", "/v1/tenants/globex", null, Map.of("If-None-Match", etag)).status()).isEqualTo(304);
        TestPlane.Reply labeled = plane.callWithHeaders("PUT", "/v1/tenants/globex/labels", Map.of("labels", Map.of("tier", "gold")), Map.of("If-Match", etag));
        assertThat(labeled.status()).isEqualTo(200);
        assertThat(plane.callWithHeaders("GET", "/v1/tenants/globex", null, Map.of("If-None-Match", etag)).status()).as("changed").isEqualTo(200);
        TestPlane.Reply stale = plane.callWithHeaders("PUT", "/v1/tenants/globex/quota", Map.of("instances", 1), Map.of("If-Match", etag));
        assertThat(stale.status()).isEqualTo(412);
        assertThat(stale.json().path("errors").get(0).path("field").asText()).isEqualTo("If-Match");
        assertThat(plane.get("/v1/tenants/globex/quota").json().path("quota").isMissingNode()).as("nothing changed").isTrue();
        String body = labeled.json().path("etag").asText();
        assertThat(plane.callWithHeaders("PUT", "/v1/tenants/globex/quota", Map.of("instances", 1), Map.of("If-Match", body)).status()).isEqualTo(200);
        assertThat(plane.callWithHeaders("DELETE", "/v1/tenants/globex", null, Map.of("If-Match", body)).status()).isEqualTo(412);

        String list = plane.get("/v1/services").raw().headers().firstValue("ETag").orElseThrow();
        assertThat(plane.callWithHeaders("GET", "/v1/services", null, Map.of("If-None-Match", list)).status()).isEqualTo(304);
    }

    @Test
    void anInstancesETagSeesItsStatusButIfMatchOnlyItsSpec() {
        assertThat(plane.createInstance("acme", "tagged", "hello", "starter").status()).isEqualTo(202);
        plane.awaitPhase("acme", "tagged", "RUNNING");
        TestPlane.Reply running = plane.get("/v1/tenants/acme/instances/tagged");
        String etag = running.raw().headers().firstValue("ETag").orElseThrow();
        String version = running.json().path("etag").asText();
        assertThat(etag).as("the spec's version, then the representation's digest").startsWith(version.substring(0, version.length() - 1) + "~");
        assertThat(plane.callWithHeaders("GET", "/v1/tenants/acme/instances/tagged", null, Map.of("If-None-Match", etag)).status()).isEqualTo(304);
        TestPlane.Reply stopped = plane.callWithHeaders("POST", "/v1/tenants/acme/instances/tagged/stop", null, Map.of("If-Match", etag));
        assertThat(stopped.status()).as("If-Match with the representation's ETag compares the spec").isEqualTo(202);
        plane.awaitPhase("acme", "tagged", "STOPPED");
        assertThat(plane.callWithHeaders("GET", "/v1/tenants/acme/instances/tagged", null, Map.of("If-None-Match", etag)).status()).isEqualTo(200);
        assertThat(plane.callWithHeaders("POST", "/v1/tenants/acme/instances/tagged/start", null, Map.of("If-Match", etag)).status())
                .as("the spec changed since").isEqualTo(412);
    }

    @Test
    void anAcceptThatTakesNoneOfARoutesMediaTypesGets406() {
        TestPlane.Reply csv = plane.callWithHeaders("GET", "/v1/tenants", null, Map.of("Accept", "text/csv"));
        assertThat(csv.status()).isEqualTo(406);
        assertThat(csv.contentType()).startsWith("application/problem+json");
        assertThat(plane.callWithHeaders("GET", "/v1/tenants", null, Map.of("Accept", "application/json;q=0")).status()).isEqualTo(406);
        assertThat(plane.callWithHeaders("GET", "/v1/tenants", null, Map.of("Accept", "text/html, application/*;q=0.5")).status()).isEqualTo(200);
        assertThat(plane.callWithHeaders("GET", "/v1/usage?format=csv", null, Map.of("Accept", "text/csv")).status()).isEqualTo(200);
        assertThat(plane.callWithHeaders("GET", "/docs", null, Map.of("Accept", "text/html")).body()).contains("/v1/openapi.json");
        assertThat(plane.call("GET", "/docs/assets/swagger-ui-bundle.js", null, null).status()).isEqualTo(200);
        assertThat(plane.call("GET", "/docs/assets/secret.txt", null, null).status()).isEqualTo(404);
    }

    private static List<JsonNode> allItems(String list) {
        List<JsonNode> items = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = plane.get(list + "?limit=2" + (cursor == null ? "" : "&cursor=" + cursor)).json();
            page.path("items").forEach(items::add);
            cursor = page.path("nextCursor").isMissingNode() ? null : page.path("nextCursor").asText();
        } while (cursor != null);
        return items;
    }
}
