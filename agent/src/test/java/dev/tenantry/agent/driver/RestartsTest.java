package dev.tenantry.agent.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RestartsTest {
    @Test
    void startsThatNeverBecomeHealthyBackOffDoublingAndShowFailedFromTheThird() {
        Restarts restarts = new Restarts();
        Restarts.Next first = restarts.ended(false, "exit code 1");
        Restarts.Next second = restarts.ended(false, "exit code 1");
        Restarts.Next third = restarts.ended(false, "exit code 1");

        assertThat(first.state()).isEqualTo(ReplicaSupervisor.State.STARTING);
        assertThat(first.message()).isEqualTo("exit code 1; restarting");
        assertThat(second.state()).isEqualTo(ReplicaSupervisor.State.STARTING);
        assertThat(third.state()).isEqualTo(ReplicaSupervisor.State.FAILED);
        assertThat(third.message()).isEqualTo("exit code 1 (3 starts in a row failed before becoming healthy)");
        assertThat(java.util.List.of(first.backoff(), second.backoff(), third.backoff()))
                .containsExactly(Duration.ofMillis(200), Duration.ofMillis(400), Duration.ofMillis(800));
    }

    @Test
    void theBackoffStopsAtItsCeilingAndAHealthyRunStartsOver() {
        Restarts restarts = new Restarts();
        Restarts.Next last = null;
        for (int i = 0; i < 20; i++) last = restarts.ended(false, "crash");
        assertThat(last.backoff()).isEqualTo(Restarts.MAX_BACKOFF);
        assertThat(last.state()).isEqualTo(ReplicaSupervisor.State.FAILED);

        Restarts.Next afterHealthy = restarts.ended(true, "exit code 137");
        assertThat(afterHealthy.state()).as("it had been healthy: a crash, not a failed start").isEqualTo(ReplicaSupervisor.State.STARTING);
        assertThat(afterHealthy.backoff()).isEqualTo(Duration.ofMillis(200));
        assertThat(restarts.ended(false, "exit code 1").backoff()).as("the next crash in a row").isEqualTo(Duration.ofMillis(400));
    }
}
