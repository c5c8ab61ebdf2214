package dev.tenantry.server.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ReconcileBackoffTest {
    @Test
    void doublesFromOneSecondUpToFiveMinutes() {
        assertThat(ReconcileBackoff.after(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(ReconcileBackoff.after(2)).isEqualTo(Duration.ofSeconds(2));
        assertThat(ReconcileBackoff.after(5)).isEqualTo(Duration.ofSeconds(16));
        assertThat(ReconcileBackoff.after(9)).isEqualTo(Duration.ofSeconds(256));
        assertThat(ReconcileBackoff.after(10)).isEqualTo(Duration.ofMinutes(5));
        assertThat(ReconcileBackoff.after(1_000)).isEqualTo(Duration.ofMinutes(5));
        assertThat(ReconcileBackoff.after(0)).as("never less than the first wait").isEqualTo(Duration.ofSeconds(1));
    }
}
