package dev.tenantry.agent.driver;

import dev.tenantry.api.blueprint.Component;
import dev.tenantry.api.cell.Deployment;
import dev.tenantry.api.cell.ObservedInstance;
import dev.tenantry.api.cell.Route;
import dev.tenantry.agent.driver.ConvergePlan.Add;
import dev.tenantry.agent.driver.ConvergePlan.Change;
import dev.tenantry.agent.driver.ConvergePlan.Flip;
import dev.tenantry.agent.driver.ConvergePlan.Remove;
import dev.tenantry.agent.driver.ConvergePlan.Replace;
import dev.tenantry.agent.driver.ConvergePlan.SlotChange;
import dev.tenantry.agent.driver.InstanceReplicas.Replica;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replicas of one instance on this host, converged toward its newest deployment by one thread, one
 * replica slot ({@code web-0}, {@code web-1}, …) at a time:
 *
 * <ul>
 *   <li>an empty slot gets a replica (a new instance, or scaling up);</li>
 *   <li>a slot whose replica was started from a different template of the same release (command, env, size,
 *       restart request) gets a new replica beside the old one; once the new one is healthy the old one leaves the
 *       routes, gets {@code drainDelay} to finish what the gateway already sent it, and stops (surge of one,
 *       so the instance keeps serving);</li>
 *   <li>a new release (an upgrade or a rollback) goes blue-green: every replica of the new release starts beside
 *       the old ones and, once all are healthy, the routes flip to them in one step. The old ingress replicas stay
 *       running out of the routes for the release's {@code keepWarm} time: moving back within it flips back to
 *       them at once, without starting anything;</li>
 *   <li>a slot the deployment no longer has is drained and stopped (scaling down, stopping).</li>
 * </ul>
 *
 * A replacement or new release that fails stops what it started and leaves the old replicas serving; the rollout
 * is then FAILED until a newer deployment arrives.
 *
 * <p>A hibernated deployment runs no replica until {@link #wake()} (a request at the gateway): then its replicas
 * start as for a new instance, without waiting for the server, which learns of it from the next report.
 */
final class InstanceRuntime {
    private static final Logger log = LoggerFactory.getLogger(InstanceRuntime.class);

    private final Replicas replicas;
    private final DriverSettings settings;
    private final Runnable onChange;
    private final Runnable onRoutesChanged;
    private final InstanceState state;
    private final Thread thread;
    /** The converging thread's. */
    private final UpgradeHooks hooks;

    /** A runtime for {@code deployment} that first takes over {@code running} replicas of an earlier agent (by slot). */
    InstanceRuntime(Deployment deployment, Map<String, ReplicaState> running, Replicas replicas, DriverSettings settings, Runnable onChange,
                    Runnable onRoutesChanged) {
        this.state = new InstanceState(deployment);
        this.replicas = replicas;
        this.settings = settings;
        this.onChange = onChange;
        this.onRoutesChanged = onRoutesChanged;
        for (Component c : deployment.components()) {
            for (int i = 0; i < c.replicasOrDefault(); i++) {
                ReplicaState adopted = running.get(c.name() + "-" + i);
                if (adopted == null) continue;
                ReplicaSupervisor supervisor = replicas.adopt(deployment, c, i, adopted);
                state.all.slots.put(c.name() + "-" + i, new Replica(supervisor, adopted.template()));
                supervisor.start();
            }
        }
        this.hooks = new UpgradeHooks(state.all.slots.isEmpty() ? null : deployment.release());
        this.thread = Thread.ofVirtual().name("converge-" + deployment.instanceUid()).start(this::convergeLoop);
    }

    Deployment deployment() {
        return state.target();
    }

    /** Converges toward a newer deployment of the instance (returns at once; the work is done by the runtime's thread). */
    void retarget(Deployment deployment) {
        state.retarget(deployment);
        onChange.run();
    }

    /** Starts a hibernated instance's replicas now (a request for it is waiting at the gateway); false if it is not asleep. */
    boolean wake() {
        if (!state.wake()) return false;
        onChange.run();
        return true;
    }

    private void convergeLoop() {
        while (true) {
            Deployment d;
            Optional<Change<Replica>> change;
            boolean postHookDue = false;
            long idleMillis = -1; // converged: wait for a kick (0: without a deadline), or until the warm replicas cool
            List<Replica> cooled;
            synchronized (state) {
                if (state.closed) return;
                d = state.target;
                cooled = takeCooledWarm(d);
                change = cooled.isEmpty() ? ConvergePlan.next(d, state.woken, state.all.slots) : Optional.empty();
                if (!cooled.isEmpty()) {
                    state.progress = "stopping the previous release's warm replicas";
                } else if (change.isEmpty() && state.failure == null && hooks.upgrading(d)) {
                    postHookDue = true;
                } else if (change.isEmpty() || state.failure != null) {
                    boolean changed = !state.converged && state.failure == null;
                    state.converged = state.failure == null;
                    if (state.converged) hooks.converged(d);
                    state.progress = null;
                    if (changed) onChange.run();
                    idleMillis = state.all.hasWarm() ? state.all.millisUntilCool(Instant.now()) : 0;
                }
            }
            if (idleMillis >= 0) {
                // waits outside the monitor: a virtual thread waiting inside one would pin its carrier (JDK 21-23)
                try {
                    if (idleMillis == 0) state.kicks.acquire();
                    else state.kicks.tryAcquire(idleMillis, java.util.concurrent.TimeUnit.MILLISECONDS);
                    state.kicks.drainPermits();
                } catch (InterruptedException e) {
                    if (state.closed()) return;
                }
                continue;
            }
            if (!cooled.isEmpty()) {
                InParallel.forEach(cooled, r -> stopAndRelease(r.supervisor()));
                onChange.run();
                continue;
            }
            if (postHookDue) {
                runPostUpgradeHook(d);
                continue;
            }
            if (hooks.preHookDue(d) && !runPreUpgradeHook(d)) continue;
            try {
                switch (change.get()) {
                    case Add<Replica> a -> add(d, a);
                    case Replace<Replica> r -> replace(d, r);
                    case Flip<Replica> f -> flip(d, f);
                    case Remove<Replica> r -> remove(r);
                }
            } catch (RuntimeException e) {
                log.warn("Converging {} failed: {}", d.key(), e.toString());
                synchronized (state) {
                    state.failure = e.getMessage();
                }
                onChange.run();
            }
        }
    }

    /** Runs the target release's pre-upgrade hook once, before its first new replica; false (and a failed rollout) if it fails. */
    private boolean runPreUpgradeHook(Deployment d) {
        Optional<String> failed = hooks.runPre(d, this::hook);
        if (failed.isEmpty()) return true;
        state.failed(d, failed.get() + "; the previous replicas keep serving");
        onChange.run();
        return false;
    }

    /** Every replica runs the new release: its post-upgrade hook runs, and the release counts as the running one. */
    private void runPostUpgradeHook(Deployment d) {
        Optional<String> failed = hooks.runPost(d, this::hook);
        failed.ifPresent(why -> state.failed(d, why));
        onChange.run();
    }

    private Optional<String> hook(Deployment d, String name, List<String> command) {
        state.progress("running the " + name + " hook of release " + d.release());
        onChange.run();
        return replicas.runHook(d, name, command, Duration.ofSeconds(d.hooks().timeoutOrDefault()));
    }

    /** Takes the warm replicas whose time is up, or whose slot {@code d} no longer has, out of the warm ones. */
    private List<Replica> takeCooledWarm(Deployment d) {
        return state.all.takeCooledWarm(ConvergePlan.wantedSlots(d, state.woken), Instant.now());
    }

    /**
     * A new replica for the slot, not started yet, handed to {@code register} under the lock in the same step that
     * checks the runtime is still open, so that a {@link #close} either sees it (and stops it) or it is never
     * registered; empty once the runtime is closed.
     */
    private Optional<Replica> newReplica(Deployment d, Component c, int index, java.util.function.Consumer<Replica> register) {
        String template = ReplicaTemplate.of(d, c);
        Replica replica = new Replica(replicas.create(d, c, index, template), template);
        synchronized (state) {
            if (!state.closed) {
                register.accept(replica);
                return Optional.of(replica);
            }
        }
        replicas.released(replica.supervisor());
        return Optional.empty();
    }

    private void add(Deployment d, Add<Replica> a) {
        Replica replica = newReplica(d, a.component(), a.index(), r -> {
            state.all.slots.put(a.slot(), r);
            state.progress = "starting " + a.slot();
        }).orElse(null);
        if (replica == null) return;
        replica.supervisor().start();
        onChange.run();
    }

    private void replace(Deployment d, Replace<Replica> r) {
        Replica replacement = newReplica(d, r.component(), r.index(), n -> {
            state.all.incoming = n;
            state.progress = "replacing " + r.slot() + ": starting its new replica";
        }).orElse(null);
        if (replacement == null) return;
        replacement.supervisor().start();
        onChange.run();
        Optional<String> failed = HealthWait.untilHealthy(replacement.supervisor(), () -> state.movedOn(d));
        if (failed.isPresent()) {
            stopAndRelease(replacement.supervisor());
            synchronized (state) {
                state.all.incoming = null;
                if (state.target == d) state.failure = "replacing " + r.slot() + " failed: " + failed.get() + "; the previous replica keeps serving";
            }
            onChange.run();
            return;
        }
        synchronized (state) {
            state.all.incoming = null;
            state.all.slots.put(r.slot(), replacement);
            state.progress = "replacing " + r.slot() + ": stopping its old replica";
        }
        retire(r.old());
    }

    /**
     * Blue-green: starts a replica of the new release for every changed slot (or takes back the warm one that runs
     * exactly that, for an instant rollback), waits until all are healthy, then flips the routes to them in one step.
     * The old ingress replicas stay warm; the others drain and stop. If any new replica fails, what was started
     * stops and the old replicas keep serving.
     */
    private void flip(Deployment d, Flip<Replica> f) {
        List<Replica> started = new ArrayList<>();
        Map<String, Replica> next = new LinkedHashMap<>();
        int rewarmed = 0;
        for (SlotChange<Replica> change : f.slots()) {
            Replica back = takeWarm(change.slot(), ReplicaTemplate.of(d, change.component()));
            if (back != null) {
                next.put(change.slot(), back);
                rewarmed++;
                continue;
            }
            Replica fresh = newReplica(d, change.component(), change.index(), state.all::addGreen).orElse(null);
            if (fresh == null) return;
            fresh.supervisor().start();
            started.add(fresh);
            next.put(change.slot(), fresh);
        }
        state.progress("release " + d.release() + ": starting " + started.size() + " new replica(s) beside the old ones"
                + (rewarmed == 0 ? "" : ", taking back " + rewarmed + " warm one(s)"));
        onChange.run();
        Optional<String> failed = HealthWait.untilAllHealthy(next.values().stream().map(Replica::supervisor).toList(), () -> state.movedOn(d));
        if (failed.isPresent()) {
            InParallel.forEach(started, r -> stopAndRelease(r.supervisor()));
            synchronized (state) {
                state.all.abandonFlip(next, started);
                if (state.target == d) state.failure = "release " + d.release() + " failed: " + failed.get() + "; the previous replicas keep serving";
            }
            onChange.run();
            return;
        }
        List<Replica> retiring = switchRoutes(d, next);
        onRoutesChanged.run();
        onChange.run();
        if (retiring.isEmpty()) return;
        sleep(settings.drainDelay());
        InParallel.forEach(retiring, r -> stopAndRelease(r.supervisor()));
        onChange.run();
    }

    /** The warm replica of {@code slot} if it runs {@code template}, taken out of the warm ones as a replica of the flip. */
    private Replica takeWarm(String slot, String template) {
        synchronized (state) {
            return state.all.takeWarm(slot, template);
        }
    }

    /**
     * The flip itself, in one step under the lock (so routes are published either before or after it, never half):
     * the new replicas take their slots and serve; the old ones leave the routes and either stay warm or are returned
     * to be stopped.
     */
    private List<Replica> switchRoutes(Deployment d, Map<String, Replica> next) {
        boolean keepWarm = d.keepWarm().compareTo(settings.drainDelay()) > 0;
        synchronized (state) {
            List<Replica> retiring = state.all.flip(d, next, keepWarm, Instant.now());
            state.progress = "release " + d.release() + " serves; stopping the previous replicas";
            state.kicks.release();
            return retiring;
        }
    }

    private void remove(Remove<Replica> r) {
        synchronized (state) {
            state.all.slots.remove(r.slot());
            state.progress = "stopping " + r.slot();
        }
        retire(r.old());
    }

    /** Takes a replica out of the routes, lets the gateway's requests in flight finish, then stops it. */
    private void retire(Replica old) {
        old.supervisor().drain();
        onRoutesChanged.run();
        onChange.run();
        sleep(settings.drainDelay());
        stopAndRelease(old.supervisor());
        onChange.run();
    }

    private void stopAndRelease(ReplicaSupervisor replica) {
        replica.stop(settings.stopGrace());
        replicas.released(replica);
    }

    ObservedInstance observe() {
        return state.observe();
    }

    Route route() {
        return state.route();
    }

    /** Stops converging and supervising, and leaves every replica running for the next agent to adopt. */
    void detach() {
        shutDown().forEach(ReplicaSupervisor::detach);
    }

    /** Stops the converging thread and every replica, in parallel. */
    void close() {
        InParallel.forEach(shutDown(), this::stopAndRelease);
        try {
            thread.join(settings.stopGrace().plusSeconds(5).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Ends the converging thread; returns the replicas, which the runtime no longer tracks. */
    private List<ReplicaSupervisor> shutDown() {
        List<ReplicaSupervisor> stopped;
        synchronized (state) {
            state.closed = true;
            state.kicks.release();
            stopped = state.all.clear();
        }
        thread.interrupt();
        return stopped;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
