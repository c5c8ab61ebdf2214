package dev.tenantry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Soft delete with real processes: a deleted instance keeps its data directory for its plan's retention, a restore
 * brings it back with that data (the example counts its visits there), and a purge, explicit or by the timer at the
 * end of retention, removes the data and parameters for good.
 */
class SoftDeleteIT extends WithPlane {
    private static final Pattern VISITS = Pattern.compile("<dd id=\"visits\">(\\d+)</dd>");

    @Test
    void aDeletedInstanceIsRestoredWithItsData() {
        create("acme", "keep", "starter", Map.of("greeting", "Ahoy"));
        for (int i = 0; i < 3; i++) visits("keep.acme.localhost");
        String uid = plane.instance("acme", "keep").path("uid").asText();
        Path data = instanceDir(uid).resolve("data");

        Instant deletedAround = Instant.now();
        done(plane.delete("/v1/tenants/acme/instances/keep"));
        JsonNode deleted = plane.instance("acme", "keep");
        assertThat(deleted.path("status").path("phase").asText()).isEqualTo("DELETED");
        Instant purgeAt = Instant.parse(deleted.path("purgeAt").asText());
        assertThat(purgeAt).as("the starter plan keeps data for the default 7 days")
                .isBetween(deletedAround.plus(Duration.ofDays(7)).minusSeconds(60), deletedAround.plus(Duration.ofDays(7)).plusSeconds(60));
        assertThat(plane.viaGateway("keep.acme.localhost", "/").status()).as("the route is gone").isEqualTo(404);
        assertThat(data.resolve("visits")).as("the data stays").hasContent("3\n");
        TestPlane.Reply scaleDeleted = plane.post("/v1/tenants/acme/instances/keep/scale", Map.of("replicas", 2));
        assertThat(scaleDeleted.status()).isEqualTo(409);
        assertThat(scaleDeleted.body()).contains("is deleted (its data is kept until").contains("restore it");
        assertThat(plane.get("/v1/tenants/acme/instances").json().path("items").findValuesAsText("name")).doesNotContain("keep");

        TestPlane.Reply restore = plane.post("/v1/tenants/acme/instances/keep/restore", null);
        assertThat(restore.status()).as(restore.body()).isEqualTo(202);
        JsonNode op = done(restore);
        assertThat(op.path("type").asText()).isEqualTo("instance.restore");
        JsonNode restored = plane.instance("acme", "keep");
        assertThat(restored.path("status").path("phase").asText()).isEqualTo("RUNNING");
        assertThat(restored.path("uid").asText()).as("the same instance").isEqualTo(uid);
        assertThat(restored.hasNonNull("purgeAt")).as("no purge time once restored").isFalse();
        assertThat(restored.path("spec").path("parameters").path("greeting").asText()).isEqualTo("Ahoy");
        assertThat(visits("keep.acme.localhost")).as("the visits of its whole life, from its data").isEqualTo(4);

        TestPlane.Reply again = plane.post("/v1/tenants/acme/instances/keep/restore", null);
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().path("errors").get(0).path("field").asText()).isEqualTo("name");
        assertThat(again.body()).contains("is not deleted");
        TestPlane.Reply purgeLive = plane.post("/v1/tenants/acme/instances/keep/purge", null);
        assertThat(purgeLive.status()).isEqualTo(409);
        assertThat(purgeLive.body()).contains("delete it first");
    }

    @Test
    void aPurgedInstanceIsGoneForGoodAndItsNameFree() {
        create("acme", "gone", "starter", Map.of("greeting", "Bye"));
        visits("gone.acme.localhost");
        String uid = plane.instance("acme", "gone").path("uid").asText();
        done(plane.delete("/v1/tenants/acme/instances/gone"));
        assertThat(instanceDir(uid).resolve("data/visits")).exists();

        // a new instance takes the name; the deleted one cannot come back over it
        create("acme", "gone", "starter", Map.of());
        TestPlane.Reply clash = plane.post("/v1/tenants/acme/instances/gone/restore", null);
        assertThat(clash.status()).isEqualTo(409);
        done(plane.delete("/v1/tenants/acme/instances/gone"));
        String second = plane.instance("acme", "gone").path("uid").asText();

        // If-Match picks the first deleted instance, not the latest
        String firstEtag = "\"" + uid + ".1\"";
        TestPlane.Reply wrongEtag = plane.callWithHeaders("POST", "/v1/tenants/acme/instances/gone/purge", null, Map.of("If-Match", "\"ins_nope.1\""));
        assertThat(wrongEtag.status()).isEqualTo(412);
        TestPlane.Reply purge = plane.callWithHeaders("POST", "/v1/tenants/acme/instances/gone/purge", null, Map.of("If-Match", firstEtag));
        assertThat(purge.status()).as(purge.body()).isEqualTo(202);
        JsonNode op = done(purge);
        assertThat(op.path("type").asText()).isEqualTo("instance.purge");
        assertThat(op.path("steps").findValuesAsText("state")).containsOnly("SUCCEEDED");
        assertThat(instanceDir(uid)).as("data and logs removed by the agent").doesNotExist();
        assertThat(instanceDir(second).resolve("logs")).as("the other deleted instance keeps its data").exists();

        JsonNode purged = plane.get("/v1/tenants/acme/instances?includeDeleted=true").json().path("items");
        JsonNode first = null;
        for (JsonNode i : purged) if (i.path("uid").asText().equals(uid)) first = i;
        assertThat(first).isNotNull();
        assertThat(first.path("status").path("phase").asText()).isEqualTo("PURGED");
        assertThat(first.path("spec").path("parameters").size()).as("parameters erased").isZero();

        // the latest deleted one is restorable; after its purge, nothing is
        done(plane.post("/v1/tenants/acme/instances/gone/purge", null));
        TestPlane.Reply afterPurge = plane.post("/v1/tenants/acme/instances/gone/restore", null);
        assertThat(afterPurge.status()).isEqualTo(409);
        assertThat(afterPurge.body()).contains("was purged");
        assertThat(plane.post("/v1/tenants/acme/instances/gone/purge", null).status()).isEqualTo(409);
        TestPlane.Reply wakePurged = plane.post("/v1/tenants/acme/instances/gone/start", null);
        assertThat(wakePurged.status()).as("a purged instance cannot be started").isEqualTo(409);
        assertThat(wakePurged.body()).contains("was purged");
    }

    @Test
    void theTimerPurgesWhenTheRetentionEnds() {
        TestPlane.Reply bad = plane.post("/v1/services/hello/plans", Map.of("name", "bad-retention", "retentionSeconds", -1));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().path("errors").get(0).path("field").asText()).isEqualTo("retentionSeconds");
        assertThat(plane.post("/v1/services/hello/plans", Map.of("name", "brief", "retentionSeconds", 2)).status()).isEqualTo(201);
        create("globex", "brief", "brief", Map.of());
        visits("brief.globex.localhost");
        String uid = plane.instance("globex", "brief").path("uid").asText();
        done(plane.delete("/v1/tenants/globex/instances/brief"));
        assertThat(plane.instance("globex", "brief").path("status").path("phase").asText()).isEqualTo("DELETED");

        JsonNode purged = plane.awaitPhase("globex", "brief", "PURGED");
        assertThat(instanceDir(uid)).doesNotExist();
        JsonNode op = plane.get("/v1/operations/" + purged.path("lastOperation").asText()).json();
        assertThat(op.path("type").asText()).isEqualTo("instance.purge");
        assertThat(op.path("actor").asText()).isEqualTo("system");
        // the audit trail chains its records a moment after their transaction committed
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(plane.get("/v1/audit?tenant=globex").body()).contains("instance.purge").contains("its retention ended"));
    }

    private static void create(String tenant, String name, String plan, Map<String, Object> parameters) {
        TestPlane.Reply created = plane.post("/v1/tenants/" + tenant + "/instances",
                Map.of("name", name, "service", "hello", "plan", plan, "parameters", parameters));
        assertThat(created.status()).as(created.body()).isEqualTo(202);
        plane.awaitPhase(tenant, name, "RUNNING");
    }

    /** Waits for the accepted request's operation; it must succeed. */
    private static JsonNode done(TestPlane.Reply accepted) {
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        JsonNode op = plane.awaitOperation(accepted.json().path("operation").path("id").asText());
        assertThat(op.path("state").asText()).as(op.toString()).isEqualTo("SUCCEEDED");
        return op;
    }

    /** Visits the page through the gateway; returns the visits of all time it shows. */
    private static long visits(String host) {
        TestPlane.Reply page = plane.viaGateway(host, "/");
        assertThat(page.status()).isEqualTo(200);
        Matcher m = VISITS.matcher(page.body());
        assertThat(m.find()).as(page.body()).isTrue();
        return Long.parseLong(m.group(1));
    }

    /** The instance's directory on the dev cell: its data and logs. */
    private static Path instanceDir(String uid) {
        return plane.home.resolve("cells").resolve("local").resolve("instances").resolve(uid);
    }
}
