package dev.tenantry.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
    private final Backoff backoff = new Backoff(Duration.ofMillis(250), Duration.ofSeconds(5));

    @Test
    void doublesFromTheFirstWaitUpToTheCap() {
        assertThat(backoff.after(1)).isEqualTo(Duration.ofMillis(250));
        assertThat(backoff.after(2)).isEqualTo(Duration.ofMillis(500));
        assertThat(backoff.after(5)).isEqualTo(Duration.ofSeconds(4));
        assertThat(backoff.after(6)).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void noFailureCountsAsOneAndAnyNumberStaysAtTheCap() {
        assertThat(backoff.after(0)).isEqualTo(Duration.ofMillis(250));
        assertThat(backoff.after(-3)).isEqualTo(Duration.ofMillis(250));
        assertThat(backoff.after(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(5));
        assertThat(new Backoff(Duration.ofMinutes(5), Duration.ofDays(365)).after(64)).as("no overflow past the cap").isEqualTo(Duration.ofDays(365));
    }
}
