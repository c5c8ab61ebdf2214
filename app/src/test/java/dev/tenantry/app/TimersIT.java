package dev.tenantry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The control plane's timers run on db-scheduler against the real database. */
class TimersIT extends WithPlane {

    @Test
    void idempotencyKeysAreForgottenAfterADayByTheirTimer() throws Exception {
        Map<String, Object> body = Map.of("name", "keyed", "service", "hello", "plan", "starter");
        Map<String, String> key = Map.of("Idempotency-Key", "timer-key-1");
        assertThat(plane.callWithHeaders("POST", "/v1/tenants/acme/instances", body, key).status()).isEqualTo(202);
        assertThat(plane.callWithHeaders("POST", "/v1/tenants/acme/instances", body, key).raw().headers().firstValue("Idempotent-Replayed"))
                .contains("true");
        assertThat(count("select count(*) from scheduled_tasks where task_name = 'expire-idempotency-keys'")).as("the timer is registered").isEqualTo(1);

        update("update idempotency_keys set created_at = now() - interval '25 hours' where key = 'timer-key-1'");
        update("update scheduled_tasks set execution_time = now() where task_name = 'expire-idempotency-keys'");
        await().atMost(Duration.ofSeconds(30)).until(() -> count("select count(*) from idempotency_keys where key = 'timer-key-1'") == 0);

        TestPlane.Reply retried = plane.callWithHeaders("POST", "/v1/tenants/acme/instances", body, key);
        assertThat(retried.status()).as("a forgotten key makes the request a new one: the name is taken").isEqualTo(409);
        assertThat(retried.raw().headers().firstValue("Idempotent-Replayed")).isEmpty();
    }

    private static Connection connect() throws SQLException {
        var db = plane.dev.database();
        return DriverManager.getConnection(db.url(), db.user(), db.password());
    }

    private static long count(String sql) throws SQLException {
        try (Connection c = connect(); ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void update(String sql) throws SQLException {
        try (Connection c = connect()) {
            assertThat(c.createStatement().executeUpdate(sql)).as(sql).isEqualTo(1);
        }
    }
}
