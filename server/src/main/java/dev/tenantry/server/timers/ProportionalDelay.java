package dev.tenantry.server.timers;

import com.github.kagkarlsson.scheduler.task.ExecutionComplete;
import com.github.kagkarlsson.scheduler.task.schedule.Schedule;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;

/**
 * A run {@code delay} after the last one ended, or later when runs take long: the wait is at least {@code factor} times
 * the last run's duration, so that a task whose work grows with the fleet (the alert rules read every watched instance)
 * keeps to at most 1/(factor+1) of the time of the replica that runs it, instead of running back to back.
 */
public record ProportionalDelay(Duration delay, int factor) implements Schedule, Serializable {
    public ProportionalDelay {
        if (delay == null || delay.isNegative() || delay.isZero()) throw new IllegalArgumentException("delay must be positive, not " + delay);
        if (factor < 1) throw new IllegalArgumentException("factor must be 1 or more, not " + factor);
    }

    @Override
    public Instant getNextExecutionTime(ExecutionComplete done) {
        Duration proportional = done.getDuration().multipliedBy(factor);
        return done.getTimeDone().plus(proportional.compareTo(delay) > 0 ? proportional : delay);
    }

    @Override
    public boolean isDeterministic() {
        return false;
    }
}
