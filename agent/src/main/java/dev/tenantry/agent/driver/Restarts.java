package dev.tenantry.agent.driver;

import java.time.Duration;

/**
 * What a replica whose process ended shows and how long it waits before its next start, from how its starts went
 * (a decision only: {@link ReplicaSupervisor} applies it). The wait doubles with each crash in a row, from 200 ms to
 * {@link #MAX_BACKOFF}; a replica shows FAILED once {@value #FAILED_STARTS_BEFORE_FAILED} starts in a row ended before
 * it became healthy, and goes on restarting.
 */
final class Restarts {
    static final int FAILED_STARTS_BEFORE_FAILED = 3;
    static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    private static final dev.tenantry.api.Backoff BACKOFF = new dev.tenantry.api.Backoff(Duration.ofMillis(200), MAX_BACKOFF);

    /** What the replica shows until its next start, and when that comes. */
    record Next(ReplicaSupervisor.State state, String message, Duration backoff) {}

    private int failedStarts;
    private int crashesInARow;

    /** The process ended for {@code reason}, after it had been healthy or not. */
    Next ended(boolean becameHealthy, String reason) {
        failedStarts = becameHealthy ? 0 : failedStarts + 1;
        crashesInARow = becameHealthy ? 1 : crashesInARow + 1;
        Duration backoff = BACKOFF.after(crashesInARow);
        if (failedStarts >= FAILED_STARTS_BEFORE_FAILED) {
            return new Next(ReplicaSupervisor.State.FAILED, reason + " (" + failedStarts + " starts in a row failed before becoming healthy)", backoff);
        }
        return new Next(ReplicaSupervisor.State.STARTING, reason + "; restarting", backoff);
    }
}
