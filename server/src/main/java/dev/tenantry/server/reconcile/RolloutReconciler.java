package dev.tenantry.server.reconcile;

import dev.tenantry.api.cell.ObservedInstance;
import dev.tenantry.api.cell.TrafficStats;
import dev.tenantry.api.model.Condition;
import dev.tenantry.api.model.GateResult;
import dev.tenantry.api.model.MaintenanceWindow;
import dev.tenantry.api.model.Tenant;
import dev.tenantry.api.model.Operation;
import dev.tenantry.api.model.Phase;
import dev.tenantry.api.model.Rollout;
import dev.tenantry.api.model.Rollout.ItemState;
import dev.tenantry.server.domain.ConflictException;
import dev.tenantry.server.store.InstanceRecord;
import dev.tenantry.server.domain.InstanceService;
import dev.tenantry.server.signals.Signals;
import dev.tenantry.server.domain.ValidationFailure;
import dev.tenantry.server.store.Leases;
import dev.tenantry.server.store.Store;
import dev.tenantry.server.store.Tx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Moves a rollout one pass on. Level-triggered: each pass reads the rollout, its instances and their operations.
 *
 * <pre>
 * running:      followUpgrades → haltIfBudgetSpent → startUpgrades (up to maxParallel) → bake (health-watched) → healthGate → analysisGate
 *               → next wave
 * rolling back: the current wave's upgraded instances go back to their release (after a spent budget or a failed gate: HALTED)
 * aborting:     the same, then ABORTED
 * reverting:    every instance the rollout changed goes back (a rollback), then ROLLED_BACK
 * awaiting approval, paused, halted, aborted, succeeded: nothing
 * </pre>
 */
public final class RolloutReconciler implements Reconciler {
    /** How soon a rollout with upgrades under way looks again (instance passes do not signal rollouts). */
    static final Duration FOLLOW = Duration.ofMillis(500);
    /** How often a rollout waiting only for maintenance windows looks again (a window may change meanwhile). */
    static final Duration WINDOW_RECHECK = Duration.ofSeconds(30);
    /** How often a baking wave's health is checked: an upgraded instance that fails during the bake halts the rollout then. */
    static final Duration BAKE_RECHECK = Duration.ofSeconds(5);

    private final Store store;
    private final Signals signals;
    private final Clock clock;
    private final InstanceService instances;

    public RolloutReconciler(Store store, Signals signals, Clock clock, InstanceService instances) {
        this.store = store;
        this.signals = signals;
        this.clock = clock;
        this.instances = instances;
    }

    @Override
    public boolean anyDue(Tx tx) {
        return !tx.leases(Leases.Table.ROLLOUTS).due(1).isEmpty();
    }

    @Override
    public List<String> claimDue(Tx tx, String owner, Duration lease, int limit) {
        return tx.leases(Leases.Table.ROLLOUTS).claimDue(owner, lease, limit);
    }

    @Override
    public boolean extendLease(Tx tx, String id, String owner, Duration lease) {
        return tx.leases(Leases.Table.ROLLOUTS).extend(id, owner, lease);
    }

    @Override
    public int failed(Tx tx, String id, String owner) {
        return tx.leases(Leases.Table.ROLLOUTS).releaseAfterFailure(id, owner, ReconcileBackoff::after);
    }

    @Override
    public Duration reconcile(String id, String owner) {
        Duration next = store.tx(tx -> {
            Optional<Rollout> found = tx.rollouts().lock(id);
            if (found.isEmpty()) return null;
            RolloutPass pass = new RolloutPass(tx, found.get(), clock.instant());
            Duration after = switch (pass.rollout.state()) {
                case RUNNING -> advance(pass);
                case ROLLING_BACK -> rollBack(pass, pass.currentWave(), Rollout.State.HALTED);
                case ABORTING -> rollBack(pass, pass.currentWave(), Rollout.State.ABORTED);
                case REVERTING -> rollBack(pass, pass.items(), Rollout.State.ROLLED_BACK);
                case AWAITING_APPROVAL, PAUSED, HALTED, ABORTED, ROLLED_BACK, SUCCEEDED -> null;
            };
            pass.save();
            tx.leases(Leases.Table.ROLLOUTS).release(id, owner, after);
            return after;
        });
        signals.fire(Signals.Topic.RECONCILE);
        signals.fire(Signals.Topic.EVENTS);
        return next;
    }

    private Duration advance(RolloutPass pass) {
        List<Rollout.Item> wave = pass.currentWave();
        wave.stream().filter(i -> i.state() == ItemState.UPGRADING).forEach(i -> follow(pass, i));
        if (haltIfBudgetSpent(pass)) return Duration.ZERO;
        Instant windowOpens = startUpgrades(pass);
        if (haltIfBudgetSpent(pass)) return Duration.ZERO;
        if (!pass.currentWave().stream().allMatch(i -> i.state().isDone())) {
            boolean underway = pass.currentWave().stream().anyMatch(i -> i.state() == ItemState.UPGRADING);
            if (underway || windowOpens == null) return FOLLOW;
            Duration untilOpen = Duration.between(pass.now, windowOpens);
            return untilOpen.compareTo(WINDOW_RECHECK) < 0 ? untilOpen : WINDOW_RECHECK;
        }

        int bake = pass.rollout.strategy().bake();
        if (pass.rollout.bakeUntil() == null) {
            pass.rollout = pass.rollout.withBakeUntil(pass.now.plusSeconds(bake));
            if (bake > 0) pass.event("rollout.baking", "wave " + pass.rollout.currentWave() + " upgraded; baking for " + bake + " s");
        }
        boolean baking = pass.now.isBefore(pass.rollout.bakeUntil());
        Optional<String> unhealthy = healthGate(pass);
        if (unhealthy.isPresent()) {
            pass.rollBack("wave " + pass.rollout.currentWave() + (baking ? " failed while baking: " : " failed its health gate: ") + unhealthy.get());
            return Duration.ZERO;
        }
        if (baking) {
            Duration left = Duration.between(pass.now, pass.rollout.bakeUntil());
            return left.compareTo(BAKE_RECHECK) < 0 ? left : BAKE_RECHECK;
        }
        if (pass.rollout.strategy().analysis() != null) {
            GateResult gate = analysisGate(pass);
            pass.gate(gate);
            switch (gate.verdict()) {
                case FAILED -> {
                    pass.rollBack("wave " + gate.wave() + " failed its analysis gate: " + gate.reason());
                    return Duration.ZERO;
                }
                case INCONCLUSIVE -> {
                    pass.pause("wave " + gate.wave() + " analysis inconclusive: " + gate.reason() + "; resume to bake and analyse it again");
                    return null;
                }
                case PASSED -> { }
            }
        }
        pass.nextWave();
        return pass.rollout.state() == Rollout.State.SUCCEEDED ? null : Duration.ZERO;
    }

    /** An upgrade under way: done when its operation is, and the instance runs the target release. */
    private void follow(RolloutPass pass, Rollout.Item item) {
        InstanceRecord instance = pass.tx.instances().byUid(item.uid()).orElse(null);
        if (instance == null || instance.phase().isDeleted() || instance.phase() == Phase.DELETING) {
            pass.item(item, ItemState.SKIPPED, item.operation(), "the instance was deleted during the rollout");
            return;
        }
        Operation op = pass.tx.operations().get(item.operation()).orElse(null);
        if (op == null || !op.state().isDone()) return;
        boolean returning = item.state() == ItemState.ROLLING_BACK;
        if (op.state() == Operation.State.SUCCEEDED) {
            pass.item(item, returning ? ItemState.ROLLED_BACK : ItemState.SUCCEEDED, op.id(),
                    returning ? "back at release " + item.fromRelease() + upgradeFailure(item.reason()) : "runs release " + item.toRelease());
        } else {
            pass.item(item, returning ? ItemState.ROLLBACK_FAILED : ItemState.FAILED, op.id(), op.error());
        }
    }

    private boolean haltIfBudgetSpent(RolloutPass pass) {
        int selected = pass.rollout.instances().size();
        int budget = pass.rollout.strategy().errorBudget(selected);
        long failed = pass.items().stream().filter(i -> i.state() == ItemState.FAILED).count();
        if (failed <= budget) return false;
        pass.rollBack(failed + " instance(s) failed their upgrade; the error budget allows " + budget);
        return true;
    }

    /**
     * Starts the wave's pending upgrades, up to maxParallel under way; an instance busy with another operation waits,
     * and so does one whose tenant's maintenance window is closed (unless the rollout is an emergency). Returns when
     * the first such window opens (null: none is waited for).
     */
    private Instant startUpgrades(RolloutPass pass) {
        long underway = pass.currentWave().stream().filter(i -> i.state() == ItemState.UPGRADING).count();
        Instant windowOpens = null;
        Map<String, Optional<MaintenanceWindow>> windows = new HashMap<>();
        pass.tx.instances().lockInOrder(pass.currentWave().stream().filter(i -> i.state() == ItemState.PENDING).map(Rollout.Item::uid).toList());
        for (Rollout.Item item : pass.currentWave()) {
            if (underway >= pass.rollout.strategy().parallel()) break;
            if (item.state() != ItemState.PENDING) continue;
            MaintenanceWindow window = pass.rollout.emergency() ? null : windows.computeIfAbsent(item.tenant(),
                    t -> pass.tx.tenants().get(t).map(Tenant::maintenanceWindow)).orElse(null);
            if (window != null && !window.isOpen(pass.now)) {
                Instant opens = window.nextOpening(pass.now);
                String why = "waiting for the tenant's maintenance window (it opens at " + opens + ")";
                if (!why.equals(item.reason())) pass.item(item, ItemState.PENDING, null, why);
                windowOpens = windowOpens == null || opens.isBefore(windowOpens) ? opens : windowOpens;
                continue;
            }
            try {
                Optional<Operation> op = instances.changeRelease(pass.tx, item.uid(), item.toRelease(), "instance.upgrade",
                        "rollout " + pass.rollout.id());
                if (op.isEmpty()) continue;
                pass.item(item, ItemState.UPGRADING, op.get().id(), "upgrading from " + item.fromRelease() + " to " + item.toRelease());
                underway++;
            } catch (ConflictException e) {
                pass.item(item, ItemState.SKIPPED, null, e.getMessage());
            } catch (ValidationFailure e) {
                pass.item(item, ItemState.FAILED, null, e.getMessage());
            }
        }
        return windowOpens;
    }

    /** After the bake: every upgraded instance of the wave still runs the target release, healthy. Empty: the gate passes. */
    private static Optional<String> healthGate(RolloutPass pass) {
        List<Rollout.Item> upgraded = pass.currentWave().stream().filter(i -> i.state() == ItemState.SUCCEEDED).toList();
        Map<String, InstanceRecord> instances = pass.tx.instances().byUids(upgraded.stream().map(Rollout.Item::uid).toList());
        for (Rollout.Item item : upgraded) {
            InstanceRecord i = instances.get(item.uid());
            if (i == null || i.phase().isDeleted()) continue;
            boolean ready = i.status().conditions().stream().anyMatch(c -> c.type().equals("Ready") && c.status() == Condition.Status.True);
            boolean current = i.status().observedGeneration() == i.generation() && item.toRelease().equals(i.spec().release());
            boolean serving = i.phase() == Phase.RUNNING || i.phase() == Phase.STOPPED || i.phase() == Phase.HIBERNATED;
            if (!current || !serving || (i.phase() == Phase.RUNNING && !ready)) {
                return Optional.of(item.tenant() + "/" + item.name() + " is " + i.phase() + ": " + i.status().message());
            }
        }
        return Optional.empty();
    }

    /**
     * The wave's upgraded instances' request figures for the target release against the analysis thresholds and the
     * figures of the rollout's instances not upgraded yet (for the release they run).
     */
    private static GateResult analysisGate(RolloutPass pass) {
        List<Rollout.Item> upgraded = pass.currentWave().stream().filter(i -> i.state() == ItemState.SUCCEEDED).toList();
        List<Rollout.Item> notYet = pass.items().stream().filter(i -> i.state() == ItemState.PENDING).toList();
        Map<String, InstanceRecord> instances = pass.tx.instances().byUids(
                java.util.stream.Stream.concat(upgraded.stream(), notYet.stream()).map(Rollout.Item::uid).toList());
        return AnalysisGate.evaluate(pass.rollout.strategy().analysis(), pass.rollout.currentWave(),
                upgraded.stream().map(i -> traffic(instances.get(i.uid()), i.toRelease())).toList(),
                notYet.stream().map(i -> traffic(instances.get(i.uid()), i.fromRelease())).toList(), pass.now);
    }

    /** What the gateway counted for the instance while it served {@code release} (null: nothing). */
    private static TrafficStats traffic(InstanceRecord instance, String release) {
        return Optional.ofNullable(instance).map(InstanceRecord::observed).map(ObservedInstance::traffic)
                .filter(t -> release.equals(t.release())).orElse(null);
    }

    private static final String UPGRADE_FAILED = "; the upgrade failed: ";

    /** Why the upgrade of an item that is rolled back failed, as its reason carries it ("" when it did not fail). */
    private static String upgradeFailure(String reason) {
        int at = reason == null ? -1 : reason.indexOf(UPGRADE_FAILED);
        return at < 0 ? "" : reason.substring(at);
    }

    /** Takes the upgraded instances among {@code scope} back to their release, one operation each; then {@code end}. */
    private Duration rollBack(RolloutPass pass, List<Rollout.Item> scope, Rollout.State end) {
        boolean waiting = false;
        pass.tx.instances().lockInOrder(scope.stream().map(listed -> pass.item(listed.uid()))
                .filter(i -> i.state() == ItemState.SUCCEEDED || i.state() == ItemState.FAILED).map(Rollout.Item::uid).toList());
        for (Rollout.Item listed : scope) {
            Rollout.Item item = pass.item(listed.uid());
            switch (item.state()) {
                case UPGRADING, ROLLING_BACK -> {
                    follow(pass, item);
                    waiting = true;
                }
                case SUCCEEDED, FAILED -> {
                    waiting = true;
                    try {
                        instances.changeRelease(pass.tx, item.uid(), item.fromRelease(), "instance.rollback", "rollout " + pass.rollout.id())
                                .ifPresent(op -> pass.item(item, ItemState.ROLLING_BACK, op.id(), "rolling back to " + item.fromRelease()
                                        + (item.state() == ItemState.FAILED ? UPGRADE_FAILED + item.reason() : "")));
                    } catch (ConflictException e) {
                        pass.item(item, ItemState.SKIPPED, item.operation(), e.getMessage());
                    } catch (ValidationFailure e) {
                        pass.item(item, ItemState.ROLLBACK_FAILED, item.operation(), e.getMessage());
                    }
                }
                default -> { }
            }
        }
        if (waiting) return FOLLOW;
        pass.finish(end);
        return null;
    }
}
