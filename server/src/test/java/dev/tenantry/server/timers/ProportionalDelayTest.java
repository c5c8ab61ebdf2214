package dev.tenantry.server.timers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.kagkarlsson.scheduler.task.ExecutionComplete;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ProportionalDelayTest {
    private static final Instant DONE = Instant.parse("2026-12-03T12:00:00Z");
    private final ProportionalDelay schedule = new ProportionalDelay(Duration.ofSeconds(10), 19);

    private static ExecutionComplete tookMillis(long millis) {
        return ExecutionComplete.success(null, DONE.minusMillis(millis), DONE);
    }

    @Test
    void aQuickRunIsFollowedAfterTheDelay() {
        assertThat(schedule.getNextExecutionTime(tookMillis(200))).isEqualTo(DONE.plusSeconds(10));
    }

    @Test
    void aLongRunWaitsItsDurationTimesTheFactor() {
        assertThat(schedule.getNextExecutionTime(tookMillis(2000))).isEqualTo(DONE.plusSeconds(38));
    }

    @Test
    void nonsenseIsRefused() {
        assertThatThrownBy(() -> new ProportionalDelay(Duration.ZERO, 19)).hasMessageContaining("delay");
        assertThatThrownBy(() -> new ProportionalDelay(Duration.ofSeconds(1), 0)).hasMessageContaining("factor");
    }
}
