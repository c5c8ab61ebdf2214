package dev.tenantry.server.reconcile;

import dev.tenantry.api.model.GateResult;
import dev.tenantry.api.model.Rollout;
import dev.tenantry.api.model.Rollout.ItemState;
import dev.tenantry.server.store.Tx;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The mutable state of one pass over one rollout, saved in the pass's transaction with its events and audit records. */
final class RolloutPass {
    final Tx tx;
    final Instant now;
    Rollout rollout;
    private final Rollout original;
    private final Map<String, Rollout.Item> items = new LinkedHashMap<>();
    private final Map<String, Rollout.Item> changedItems = new LinkedHashMap<>();
    private final List<Runnable> writes = new ArrayList<>();

    RolloutPass(Tx tx, Rollout rollout, Instant now) {
        this.tx = tx;
        this.rollout = rollout;
        this.original = rollout;
        this.now = now;
        rollout.instances().forEach(i -> items.put(i.uid(), i));
    }

    List<Rollout.Item> items() {
        return List.copyOf(items.values());
    }

    Rollout.Item item(String uid) {
        return items.get(uid);
    }

    List<Rollout.Item> currentWave() {
        return items.values().stream().filter(i -> i.wave() == rollout.currentWave()).toList();
    }

    /** The item's new state, operation and reason (its start and end times follow). */
    void item(Rollout.Item item, ItemState state, String operation, String reason) {
        Rollout.Item current = items.get(item.uid());
        Instant started = state == ItemState.UPGRADING && current.startedAt() == null ? now : current.startedAt();
        Instant ended = state.isDone() ? now : null;
        Rollout.Item next = new Rollout.Item(item.tenant(), item.name(), item.uid(), item.wave(), item.fromRelease(), item.toRelease(), state,
                operation, started, ended, reason);
        items.put(item.uid(), next);
        changedItems.put(item.uid(), next);
        if (state == ItemState.FAILED || state == ItemState.ROLLBACK_FAILED || state == ItemState.SKIPPED) {
            event("rollout.instance-" + state.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'),
                    item.tenant() + "/" + item.name() + ": " + reason);
        }
    }

    /** Stops starting upgrades and rolls the current wave back; the rollout ends HALTED. */
    void rollBack(String reason) {
        rollout = rollout.withState(Rollout.State.ROLLING_BACK, reason);
        event("rollout.rolling-back", reason);
        audit("rollout.halt", "failure", reason);
    }

    /** Records a run of the analysis gate: saved with the rollout, an event, and an audit record of the system's decision. */
    void gate(GateResult gate) {
        rollout = rollout.withGates(java.util.stream.Stream.concat(rollout.gates().stream(), java.util.stream.Stream.of(gate)).toList());
        writes.add(() -> tx.rollouts().addGate(rollout.id(), gate));
        String verdict = gate.verdict().name().toLowerCase(java.util.Locale.ROOT);
        event("rollout.analysis-" + verdict, "wave " + gate.wave() + ": " + gate.reason());
        audit("rollout.analysis-" + verdict, gate.verdict() == GateResult.Verdict.PASSED ? "success" : "failure", "wave " + gate.wave() + ": " + gate.reason());
    }

    /** The system pauses the rollout (an inconclusive analysis): no new upgrades until someone resumes it. */
    void pause(String reason) {
        rollout = rollout.withState(Rollout.State.PAUSED, reason);
        event("rollout.paused", reason);
    }

    void nextWave() {
        int passed = rollout.currentWave();
        event("rollout.wave-passed", "wave " + passed + " of " + rollout.waveCount() + " passed its health gate");
        audit("rollout.wave-passed", "success", "wave " + passed);
        if (passed + 1 >= rollout.waveCount()) {
            rollout = rollout.withState(Rollout.State.SUCCEEDED, "every selected instance runs release " + rollout.release());
            event("rollout.succeeded", rollout.reason());
            audit("rollout.succeeded", "success", null);
            return;
        }
        rollout = rollout.withWave(passed + 1);
        event("rollout.wave-started", "wave " + (passed + 1) + " of " + rollout.waveCount());
    }

    /** The rollback of the current wave is over: HALTED (keeping why it halted) or ABORTED. */
    void finish(Rollout.State end) {
        rollout = rollout.withState(end, rollout.reason());
        event("rollout." + end.name().toLowerCase(java.util.Locale.ROOT), rollout.reason());
        audit("rollout." + end.name().toLowerCase(java.util.Locale.ROOT), end == Rollout.State.ABORTED ? "success" : "failure", rollout.reason());
    }

    void event(String type, String message) {
        writes.add(() -> tx.events().append(type, "rollouts/" + rollout.id(), null,
                Map.of("rollout", rollout.id(), "wave", rollout.currentWave(), "message", message == null ? "" : message)));
    }

    private void audit(String action, String result, String detail) {
        writes.add(() -> tx.audit().record("system", action, "rollouts/" + rollout.id(), null, result, detail));
    }

    void save() {
        changedItems.values().forEach(i -> tx.rollouts().saveItem(rollout.id(), i));
        if (!rollout.equals(original) || !changedItems.isEmpty()) tx.rollouts().save(rollout);
        writes.forEach(Runnable::run);
    }
}
