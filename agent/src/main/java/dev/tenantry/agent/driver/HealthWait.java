package dev.tenantry.agent.driver;

import java.time.Duration;
import java.util.Collection;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/** Waits for the new replicas of a move (a replacement, a blue-green flip) to become healthy. */
final class HealthWait {
    static final Duration POLL = Duration.ofMillis(25);

    private HealthWait() {}

    /**
     * Empty once the replica is healthy; else why it will not be: it failed (its message), or {@code movedOn} gave a
     * reason to stop waiting (the runtime closes, a newer deployment arrived).
     */
    static Optional<String> untilHealthy(ReplicaSupervisor replica, Supplier<Optional<String>> movedOn) {
        while (true) {
            ReplicaSupervisor.Snapshot s = replica.snapshot();
            if (s.state() == ReplicaSupervisor.State.HEALTHY) return Optional.empty();
            if (s.state() == ReplicaSupervisor.State.FAILED) return Optional.of(Objects.requireNonNullElse(s.message(), "failed"));
            Optional<String> why = movedOn.get();
            if (why.isPresent()) return why;
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The same for every replica: empty once all are healthy, else the first failure, prefixed with its replica's name. */
    static Optional<String> untilAllHealthy(Collection<ReplicaSupervisor> replicas, Supplier<Optional<String>> movedOn) {
        for (ReplicaSupervisor r : replicas) {
            Optional<String> failed = untilHealthy(r, movedOn).map(reason -> r.spec().name() + ": " + reason);
            if (failed.isPresent()) return failed;
        }
        return Optional.empty();
    }
}
