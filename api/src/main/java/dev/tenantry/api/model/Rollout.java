package dev.tenantry.api.model;

import java.time.Instant;
import java.util.List;

/**
 * A fleet upgrade: the selected instances in waves (wave 0 is the canary when there is one), where it stands
 * ({@code currentWave} of {@code waveCount}; a wave whose upgrades are done bakes until {@code bakeUntil}), and each
 * instance's upgrade, and the results of its analysis gates ({@code gates}, oldest first). {@code instanceCount} is how
 * many instances it moves, also where {@code instances} is left out (lists).
 */
public record Rollout(String id, String service, String release, RolloutSelector selector, RolloutStrategy strategy, boolean emergency,
                      State state, int currentWave, int waveCount, Instant bakeUntil, String reason, List<Item> instances, String createdBy,
                      String approvalReason, String approvedBy, Instant createdAt, Instant updatedAt, List<GateResult> gates, int instanceCount) {
    public Rollout {
        gates = gates == null ? List.of() : List.copyOf(gates);
        instances = instances == null ? List.of() : instances;
        instanceCount = Math.max(instanceCount, instances.size());
    }

    public Rollout withState(State newState, String newReason) {
        return new Rollout(id, service, release, selector, strategy, emergency, newState, currentWave, waveCount, bakeUntil, newReason, instances,
                createdBy, approvalReason, approvedBy, createdAt, updatedAt, gates, instanceCount);
    }

    /** The next wave, not baked yet. */
    public Rollout withWave(int wave) {
        return new Rollout(id, service, release, selector, strategy, emergency, state, wave, waveCount, null, reason, instances, createdBy,
                approvalReason, approvedBy, createdAt, updatedAt, gates, instanceCount);
    }

    public Rollout withBakeUntil(Instant time) {
        return new Rollout(id, service, release, selector, strategy, emergency, state, currentWave, waveCount, time, reason, instances, createdBy,
                approvalReason, approvedBy, createdAt, updatedAt, gates, instanceCount);
    }

    public Rollout withGates(List<GateResult> results) {
        return new Rollout(id, service, release, selector, strategy, emergency, state, currentWave, waveCount, bakeUntil, reason, instances, createdBy,
                approvalReason, approvedBy, createdAt, updatedAt, results, instanceCount);
    }

    public Rollout withInstances(List<Item> items) {
        return new Rollout(id, service, release, selector, strategy, emergency, state, currentWave, waveCount, bakeUntil, reason, items, createdBy,
                approvalReason, approvedBy, createdAt, updatedAt, gates, instanceCount);
    }

    /**
     * AWAITING_APPROVAL: it touches something protected ({@code approvalReason}) and waits for another user's approval.
     * REVERTING: everything it changed goes back to where it came from (a rollback), then ROLLED_BACK.
     */
    public enum State {
        AWAITING_APPROVAL, RUNNING, PAUSED, ROLLING_BACK, ABORTING, REVERTING, HALTED, ABORTED, ROLLED_BACK, SUCCEEDED;

        public boolean isDone() {
            return this == HALTED || this == ABORTED || this == ROLLED_BACK || this == SUCCEEDED;
        }
    }

    /** One instance's part in the rollout. */
    public record Item(String tenant, String name, String uid, int wave, String fromRelease, String toRelease, ItemState state,
                       String operation, Instant startedAt, Instant endedAt, String reason) {}

    public enum ItemState {
        PENDING, UPGRADING, SUCCEEDED, FAILED, SKIPPED, ROLLING_BACK, ROLLED_BACK, ROLLBACK_FAILED;

        /** Whether its upgrade is over (in a running wave: nothing more to wait for). */
        public boolean isDone() {
            return this == SUCCEEDED || this == FAILED || this == SKIPPED || this == ROLLED_BACK || this == ROLLBACK_FAILED;
        }
    }
}
