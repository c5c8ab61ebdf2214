package dev.tenantry.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;

class DatabaseFailuresTest {
    @Test
    void aPoolTimeoutWithNoFailureToConnectBehindItIsBusyNotUnavailable() {
        SQLTransientConnectionException busy = new SQLTransientConnectionException("tenantry - Connection is not available, request timed out after 1000ms");
        assertThat(DatabaseFailures.unavailable(busy)).isTrue();
        assertThat(DatabaseFailures.allConnectionsBusy(new RuntimeException(busy))).isTrue();

        SQLTransientConnectionException down = new SQLTransientConnectionException("tenantry - Connection is not available",
                new SQLException("Connection to 127.0.0.1:5432 refused", "08001"));
        assertThat(DatabaseFailures.unavailable(down)).isTrue();
        assertThat(DatabaseFailures.allConnectionsBusy(down)).as("PostgreSQL refused: it is down, not busy").isFalse();
        assertThat(DatabaseFailures.allConnectionsBusy(new SQLException("the server is shutting down", "57P01"))).isFalse();
        assertThat(DatabaseFailures.allConnectionsBusy(new IllegalStateException("a bug"))).isFalse();
    }
}
