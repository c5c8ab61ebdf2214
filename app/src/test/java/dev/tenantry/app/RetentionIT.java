package dev.tenantry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantry.server.domain.Retention;
import dev.tenantry.server.domain.RetentionService;
import dev.tenantry.server.store.Database;
import dev.tenantry.server.store.Store;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What grows with use is removed past its retention, and only that: old events but those a webhook has not passed,
 * finished operations, webhook delivery logs, and the audit trail up to a signed checkpoint, after which the chain
 * still verifies from that checkpoint. Real server and PostgreSQL; the server's clock is moved forward for the
 * retentions decided by it, and events (timed by the database) are given a one-second retention.
 */
class RetentionIT {
    private static final Retention SHORT = new Retention(Duration.ofSeconds(1), Duration.ofDays(1), Duration.ofDays(1), Duration.ofSeconds(1));

    @Test
    void removesWhatIsPastItsRetentionAndKeepsWhatIsStillNeeded() throws Exception {
        MovableClock clock = new MovableClock();
        try (TestPlane plane = TestPlane.start(clock)) {
            var db = plane.dev.database();
            plane.createTenant("acme");
            JsonNode created = plane.createInstance("acme", "old", "hello", "starter").json();
            String operation = created.path("operation").path("id").asText();
            plane.awaitOperation(operation);
            plane.awaitPhase("acme", "old", "RUNNING");
            var audit = plane.dev.server().services().audit();
            long signed = audit.checkpoint().orElseThrow().seq();

            // a webhook whose receiver never answers: it stays at its place, and the events after it are kept for it
            assertThat(plane.post("/v1/webhooks", Map.of("url", "http://127.0.0.1:1/hook")).status()).isEqualTo(201);
            long place = scalar(db, "select after_event from webhooks");
            plane.createTenant("initech");
            long keptForWebhook = scalar(db, "select count(*) from events e where (e.tx, e.id) > (select c.tx, c.id from events c where c.id = " + place + ")");
            assertThat(keptForWebhook).as("tenant.created of initech, after the webhook's place").isPositive();
            await().atMost(Duration.ofSeconds(30)).until(() -> scalar(db, "select count(*) from webhook_deliveries") > 0);
            long eventsBefore = scalar(db, "select count(*) from events");
            long auditBefore = scalar(db, "select count(*) from audit");

            Thread.sleep(1500); // the events' and delivery logs' one second passes (database time)
            clock.moveForward(Duration.ofDays(2));
            try (Database database = new Database(db.url(), db.user(), db.password())) {
                RetentionService retention = new RetentionService(new Store(database), audit, clock, SHORT);
                RetentionService.Removed removed = retention.removeOld();

                assertThat(removed.events()).isPositive();
                assertThat(scalar(db, "select count(*) from events")).isEqualTo(eventsBefore - removed.events());
                assertThat(scalar(db, "select count(*) from events e where (e.tx, e.id) >= (select c.tx, c.id from events c where c.id = " + place + ")"))
                        .as("the webhook's place and every event after it").isEqualTo(keptForWebhook + 1);
                assertThat(removed.operations()).isPositive();
                assertThat(plane.get("/v1/operations/" + operation).status()).isEqualTo(404);
                assertThat(removed.webhookDeliveries()).isPositive();
                assertThat(removed.auditRecords()).isEqualTo(signed - 1);
                assertThat(scalar(db, "select min(seq) from audit")).as("the trail starts at the signed record").isEqualTo(signed);
                assertThat(scalar(db, "select count(*) from audit")).isEqualTo(auditBefore - (signed - 1));

                JsonNode verified = plane.get("/v1/audit/verify").json();
                assertThat(verified.path("ok").asBoolean()).as(verified.toString()).isTrue();
                plane.createTenant("umbrella");
                assertThat(audit.checkpoint()).as("later checkpoints chain on").isPresent();
                assertThat(plane.get("/v1/audit/verify").json().path("ok").asBoolean()).isTrue();

                // removing the signed record the trail now starts at is found
                try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password())) {
                    c.createStatement().execute("delete from audit where seq = " + signed);
                }
                assertThat(plane.get("/v1/audit/verify").json().path("ok").asBoolean()).isFalse();
            }
        }
    }

    private static long scalar(dev.tenantry.app.DatabaseOptions.Connection db, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password()); ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
