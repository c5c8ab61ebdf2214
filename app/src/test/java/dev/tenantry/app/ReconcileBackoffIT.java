package dev.tenantry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A pass that keeps failing backs off exponentially and says why on the instance (condition Reconciled=False),
 * instead of retrying every few seconds; the first pass that succeeds clears it. The failure is made by breaking
 * the row of the instance's last operation in the database, which every pass reads.
 */
class ReconcileBackoffIT extends WithPlane {

    @Test
    void aFailingPassBacksOffAndShowsItsReasonUntilAPassSucceeds() throws Exception {
        assertThat(plane.createInstance("acme", "wobbly", "hello", "starter").status()).isEqualTo(202);
        JsonNode running = plane.awaitPhase("acme", "wobbly", "RUNNING");
        String uid = running.path("uid").asText();
        String operation = running.path("lastOperation").asText();
        String steps;
        try (Connection db = connect()) {
            steps = queryString(db, "select steps::text from operations where id = '" + operation + "'");
            db.createStatement().execute("update operations set steps = '\"broken\"'::jsonb where id = '" + operation + "'");
            db.createStatement().execute("update instance_leases set reconcile_at = now() where uid = '" + uid + "'");
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> failures(uid) >= 3);
        try (Connection db = connect()) {
            // the count and the next pass's time read together, so that a failure in between cannot mismatch them
            String[] row = queryString(db, "select reconcile_failures || ' ' || (extract(epoch from reconcile_at - now()) * 1000)::bigint"
                    + " from instance_leases where uid = '" + uid + "'").split(" ");
            int failures = Integer.parseInt(row[0]);
            long waitMillis = Long.parseLong(row[1]);
            assertThat(waitMillis).as("after %d failures the next pass waits about %d s", failures, 1L << (failures - 1))
                    .isGreaterThan((1L << (failures - 1)) * 1000 - 1500);
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            JsonNode reconciled = condition(plane.instance("acme", "wobbly"), "Reconciled");
            assertThat(reconciled.path("status").asText()).isEqualTo("False");
            assertThat(reconciled.path("message").asText()).as("the message follows the count")
                    .startsWith(failures(uid) + " pass(es) in a row failed").contains("the next in");
        });

        try (Connection db = connect()) {
            db.createStatement().execute("update operations set steps = '" + steps.replace("'", "''") + "'::jsonb where id = '" + operation + "'");
        }
        await().atMost(Duration.ofSeconds(40)).until(() -> condition(plane.instance("acme", "wobbly"), "Reconciled").isMissingNode());
        assertThat(failures(uid)).isZero();
        assertThat(plane.instance("acme", "wobbly").path("status").path("phase").asText()).isEqualTo("RUNNING");
    }

    @Test
    void aSettledInstanceIsPassedOverUntilItsResyncAnHourLater() throws Exception {
        assertThat(plane.createInstance("acme", "settled", "hello", "starter").status()).isEqualTo(202);
        String uid = plane.awaitPhase("acme", "settled", "RUNNING").path("uid").asText();
        // the pass that saw it run scheduled the next one: the resync (60 min, less up to a tenth), not seconds away
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            try (Connection db = connect()) {
                long minutes = Long.parseLong(queryString(db, "select (extract(epoch from reconcile_at - now()) / 60)::bigint from instance_leases"
                        + " where uid = '" + uid + "' and lease_owner is null"));
                assertThat(minutes).isBetween(53L, 60L);
            }
        });
    }

    private static int failures(String uid) throws SQLException {
        try (Connection db = connect()) {
            return Integer.parseInt(queryString(db, "select reconcile_failures from instance_leases where uid = '" + uid + "'"));
        }
    }

    private static JsonNode condition(JsonNode instance, String type) {
        for (JsonNode c : instance.path("status").path("conditions")) if (c.path("type").asText().equals(type)) return c;
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    private static Connection connect() throws SQLException {
        var db = plane.dev.database();
        return DriverManager.getConnection(db.url(), db.user(), db.password());
    }

    private static String queryString(Connection db, String sql) throws SQLException {
        try (ResultSet rs = db.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
