package dev.tenantry.agent.driver;

import dev.tenantry.api.blueprint.Component;
import dev.tenantry.api.cell.Deployment;
import dev.tenantry.api.cell.ObservedInstance;
import dev.tenantry.api.cell.Route;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
    private static final Duration HEALTH_POLL = Duration.ofMillis(25);

    /** Creates replica supervisors (with their ports and directories), adopts running ones, and takes their ports back. */
    interface Replicas {
        ReplicaSupervisor create(Deployment deployment, Component component, int index, String template);

        ReplicaSupervisor adopt(Deployment deployment, Component component, int index, ReplicaState running);

        void released(ReplicaSupervisor replica);

        /** Runs a release hook of the instance; empty when it succeeded, else why it failed. */
        Optional<String> runHook(Deployment deployment, String name, List<String> command, Duration timeout);
    }

    private record Replica(ReplicaSupervisor supervisor, String template) {
        String release() {
            return supervisor.spec().release();
        }
    }

    private sealed interface Change {}

    /** A change of one slot, to be started beside what runs. */
    private sealed interface SlotChange extends Change {
        String slot();

        Component component();

        int index();
    }

    private record Add(String slot, Component component, int index) implements SlotChange {}

    private record Replace(String slot, Component component, int index, Replica old) implements SlotChange {}

    /** Blue-green to a new release: every changed slot's new replica starts, then the routes flip to all at once. */
    private record Flip(List<SlotChange> slots) implements Change {}

    private record Remove(String slot, Replica old) implements Change {}

    private final Replicas replicas;
    private final DriverSettings settings;
    private final Runnable onChange;
    private final Runnable onRoutesChanged;
    private final Object lock = new Object();
    /** Wakes the converging thread: a new target, a wake, a close (released under the lock, awaited outside it). */
    private final java.util.concurrent.Semaphore kicks = new java.util.concurrent.Semaphore(0);
    private final Map<String, Replica> slots = new LinkedHashMap<>();
    /** The previous release's ingress replicas after a flip, by slot: running, out of the routes, until {@link #warmUntil}. */
    private final Map<String, Replica> warm = new LinkedHashMap<>();
    /** The new release's replicas of a flip in progress: started, not routed to until all are healthy. */
    private final List<Replica> green = new ArrayList<>();
    private final Thread thread;
    private Deployment target;
    /** The new replica of a rolling replacement: routed to beside the old one once healthy. */
    private Replica incoming;
    private Instant warmUntil = Instant.MIN;
    private boolean woken;
    private String progress;
    private boolean converged;
    private String failure;
    private boolean closed;
    /** The release the replicas run, once converged (null: not yet known); moving away from it runs the target's hooks. */
    private String runningRelease;
    /** The release whose pre-upgrade hook ran for the current upgrade (the converging thread only). */
    private String preHookRanFor;

    /** A runtime for {@code deployment} that first takes over {@code running} replicas of an earlier agent (by slot). */
    InstanceRuntime(Deployment deployment, Map<String, ReplicaState> running, Replicas replicas, DriverSettings settings, Runnable onChange,
                    Runnable onRoutesChanged) {
        this.target = deployment;
        this.replicas = replicas;
        this.settings = settings;
        this.onChange = onChange;
        this.onRoutesChanged = onRoutesChanged;
        for (Component c : deployment.components()) {
            for (int i = 0; i < c.replicasOrDefault(); i++) {
                ReplicaState state = running.get(c.name() + "-" + i);
                if (state == null) continue;
                ReplicaSupervisor supervisor = replicas.adopt(deployment, c, i, state);
                slots.put(c.name() + "-" + i, new Replica(supervisor, state.template()));
                supervisor.start();
            }
        }
        if (!slots.isEmpty()) runningRelease = deployment.release();
        this.thread = Thread.ofVirtual().name("converge-" + deployment.instanceUid()).start(this::convergeLoop);
    }

    Deployment deployment() {
        synchronized (lock) {
            return target;
        }
    }

    /** Converges toward a newer deployment of the instance (returns at once; the work is done by the runtime's thread). */
    void retarget(Deployment deployment) {
        synchronized (lock) {
            if (!deployment.hibernated() || !target.hibernated()) woken = false; // a new hibernation sleeps again
            target = deployment;
            converged = false;
            failure = null;
            kicks.release();
        }
        onChange.run();
    }

    /** Starts a hibernated instance's replicas now (a request for it is waiting at the gateway); false if it is not asleep. */
    boolean wake() {
        synchronized (lock) {
            if (!isAsleepLocked()) return false;
            woken = true;
            converged = false;
            kicks.release();
        }
        onChange.run();
        return true;
    }

    /** Hibernated and not woken: its route holds requests and asks for a wake. */
    private boolean isAsleepLocked() {
        return target.hibernated() && !woken;
    }

    private void convergeLoop() {
        while (true) {
            Deployment d;
            Optional<Change> change;
            boolean postHookDue = false;
            long idleMillis = -1; // converged: wait for a kick (0: without a deadline), or until the warm replicas cool
            List<Replica> cooled;
            synchronized (lock) {
                if (closed) return;
                d = target;
                cooled = takeCooledWarm(d);
                change = cooled.isEmpty() ? nextChange(d) : Optional.empty();
                if (!cooled.isEmpty()) {
                    progress = "stopping the previous release's warm replicas";
                } else if (change.isEmpty() && failure == null && upgrading(d)) {
                    postHookDue = true;
                } else if (change.isEmpty() || failure != null) {
                    boolean changed = !converged && failure == null;
                    converged = failure == null;
                    if (converged) {
                        runningRelease = d.release();
                        preHookRanFor = null;
                    }
                    progress = null;
                    if (changed) onChange.run();
                    idleMillis = warm.isEmpty() ? 0 : Math.max(1, Duration.between(Instant.now(), warmUntil).toMillis());
                }
            }
            if (idleMillis >= 0) {
                // waits outside the monitor: a virtual thread waiting inside one would pin its carrier (JDK 21-23)
                try {
                    if (idleMillis == 0) kicks.acquire();
                    else kicks.tryAcquire(idleMillis, java.util.concurrent.TimeUnit.MILLISECONDS);
                    kicks.drainPermits();
                } catch (InterruptedException e) {
                    synchronized (lock) {
                        if (closed) return;
                    }
                }
                continue;
            }
            if (!cooled.isEmpty()) {
                cooled.parallelStream().forEach(r -> stopAndRelease(r.supervisor()));
                onChange.run();
                continue;
            }
            if (postHookDue) {
                runPostUpgradeHook(d);
                continue;
            }
            if (upgrading(d) && !d.release().equals(preHookRanFor) && !runPreUpgradeHook(d)) continue;
            try {
                switch (change.get()) {
                    case Add a -> add(d, a);
                    case Replace r -> replace(d, r);
                    case Flip f -> flip(d, f);
                    case Remove r -> remove(r);
                }
            } catch (RuntimeException e) {
                log.warn("Converging {} failed: {}", d.key(), e.toString());
                synchronized (lock) {
                    failure = e.getMessage();
                }
                onChange.run();
            }
        }
    }

    /** Whether {@code d} moves the instance to another release than its replicas ran (an upgrade, or a rollback). */
    private boolean upgrading(Deployment d) {
        return runningRelease != null && !runningRelease.equals(d.release());
    }

    /** Runs the target release's pre-upgrade hook once, before its first new replica; false (and a failed rollout) if it fails. */
    private boolean runPreUpgradeHook(Deployment d) {
        preHookRanFor = d.release();
        if (d.hooks().preUpgrade().isEmpty()) return true;
        Optional<String> failed = hook(d, "pre-upgrade", d.hooks().preUpgrade());
        if (failed.isEmpty()) return true;
        synchronized (lock) {
            if (target == d) failure = failed.get() + "; the previous replicas keep serving";
        }
        onChange.run();
        return false;
    }

    /** Every replica runs the new release: its post-upgrade hook runs, and the release counts as the running one. */
    private void runPostUpgradeHook(Deployment d) {
        Optional<String> failed = d.hooks().postUpgrade().isEmpty() ? Optional.empty() : hook(d, "post-upgrade", d.hooks().postUpgrade());
        synchronized (lock) {
            runningRelease = d.release();
            preHookRanFor = null;
            if (failed.isPresent() && target == d) failure = failed.get();
        }
        onChange.run();
    }

    private Optional<String> hook(Deployment d, String name, List<String> command) {
        synchronized (lock) {
            progress = "running the " + name + " hook of release " + d.release();
        }
        onChange.run();
        return replicas.runHook(d, name, command, Duration.ofSeconds(d.hooks().timeoutOrDefault()));
    }

    /**
     * What to do next to run {@code d}: a flip of every changed slot if a replica runs another release, else the first
     * difference in slot order; removals last.
     */
    private Optional<Change> nextChange(Deployment d) {
        List<String> wanted = wantedSlots(d);
        List<SlotChange> changes = new ArrayList<>();
        boolean newRelease = false;
        for (Component c : d.components()) {
            for (int i = 0; wanted.contains(c.name() + "-" + i); i++) {
                String slot = c.name() + "-" + i;
                Replica current = slots.get(slot);
                if (current == null) {
                    changes.add(new Add(slot, c, i));
                } else if (!current.template().equals(ReplicaTemplate.of(d, c))) {
                    changes.add(new Replace(slot, c, i, current));
                    newRelease |= !current.release().equals(d.release());
                }
            }
        }
        if (newRelease) return Optional.of(new Flip(changes));
        if (!changes.isEmpty()) return Optional.of(changes.getFirst());
        return slots.entrySet().stream().filter(e -> !wanted.contains(e.getKey())).findFirst()
                .map(e -> new Remove(e.getKey(), e.getValue()));
    }

    private List<String> wantedSlots(Deployment d) {
        List<String> wanted = new ArrayList<>();
        for (Component c : d.components()) {
            int count = d.hibernated() && !woken ? 0 : c.replicasOrDefault();
            for (int i = 0; i < count; i++) wanted.add(c.name() + "-" + i);
        }
        return wanted;
    }

    /** Takes the warm replicas whose time is up, or whose slot {@code d} no longer has, out of {@link #warm}. */
    private List<Replica> takeCooledWarm(Deployment d) {
        if (warm.isEmpty()) return List.of();
        boolean expired = !Instant.now().isBefore(warmUntil);
        List<String> wanted = wantedSlots(d);
        List<String> cooled = warm.keySet().stream().filter(slot -> expired || !wanted.contains(slot)).toList();
        return cooled.stream().map(warm::remove).toList();
    }

    /**
     * A new replica for the slot, not started yet, handed to {@code register} under the lock in the same step that
     * checks the runtime is still open, so that a {@link #close} either sees it (and stops it) or it is never
     * registered; empty once the runtime is closed.
     */
    private Optional<Replica> newReplica(Deployment d, Component c, int index, java.util.function.Consumer<Replica> register) {
        String template = ReplicaTemplate.of(d, c);
        Replica replica = new Replica(replicas.create(d, c, index, template), template);
        synchronized (lock) {
            if (!closed) {
                register.accept(replica);
                return Optional.of(replica);
            }
        }
        replicas.released(replica.supervisor());
        return Optional.empty();
    }

    private void add(Deployment d, Add a) {
        Replica replica = newReplica(d, a.component(), a.index(), r -> {
            slots.put(a.slot(), r);
            progress = "starting " + a.slot();
        }).orElse(null);
        if (replica == null) return;
        replica.supervisor().start();
        onChange.run();
    }

    private void replace(Deployment d, Replace r) {
        Replica replacement = newReplica(d, r.component(), r.index(), n -> {
            incoming = n;
            progress = "replacing " + r.slot() + ": starting its new replica";
        }).orElse(null);
        if (replacement == null) return;
        replacement.supervisor().start();
        onChange.run();
        Optional<String> failed = awaitHealthy(replacement.supervisor(), d);
        if (failed.isPresent()) {
            stopAndRelease(replacement.supervisor());
            synchronized (lock) {
                incoming = null;
                if (target == d) failure = "replacing " + r.slot() + " failed: " + failed.get() + "; the previous replica keeps serving";
            }
            onChange.run();
            return;
        }
        synchronized (lock) {
            incoming = null;
            slots.put(r.slot(), replacement);
            progress = "replacing " + r.slot() + ": stopping its old replica";
        }
        retire(r.old());
    }

    /**
     * Blue-green: starts a replica of the new release for every changed slot (or takes back the warm one that runs
     * exactly that, for an instant rollback), waits until all are healthy, then flips the routes to them in one step.
     * The old ingress replicas stay warm; the others drain and stop. If any new replica fails, what was started
     * stops and the old replicas keep serving.
     */
    private void flip(Deployment d, Flip f) {
        List<Replica> started = new ArrayList<>();
        Map<String, Replica> next = new LinkedHashMap<>();
        int rewarmed = 0;
        for (SlotChange change : f.slots()) {
            Replica back = takeWarm(change.slot(), ReplicaTemplate.of(d, change.component()));
            if (back != null) {
                next.put(change.slot(), back);
                rewarmed++;
                continue;
            }
            Replica fresh = newReplica(d, change.component(), change.index(), green::add).orElse(null);
            if (fresh == null) return;
            fresh.supervisor().start();
            started.add(fresh);
            next.put(change.slot(), fresh);
        }
        synchronized (lock) {
            progress = "release " + d.release() + ": starting " + started.size() + " new replica(s) beside the old ones"
                    + (rewarmed == 0 ? "" : ", taking back " + rewarmed + " warm one(s)");
        }
        onChange.run();
        Optional<String> failed = awaitAllHealthy(next.values(), d);
        if (failed.isPresent()) {
            started.parallelStream().forEach(r -> stopAndRelease(r.supervisor()));
            synchronized (lock) {
                green.removeAll(next.values());
                next.forEach((slot, r) -> {
                    if (!started.contains(r)) warm.put(slot, r);
                });
                if (target == d) failure = "release " + d.release() + " failed: " + failed.get() + "; the previous replicas keep serving";
            }
            onChange.run();
            return;
        }
        List<Replica> retiring = switchRoutes(d, next);
        onRoutesChanged.run();
        onChange.run();
        if (retiring.isEmpty()) return;
        sleep(settings.drainDelay());
        retiring.parallelStream().forEach(r -> stopAndRelease(r.supervisor()));
        onChange.run();
    }

    /** The warm replica of {@code slot} if it runs {@code template}, taken out of {@link #warm} as a replica of the flip. */
    private Replica takeWarm(String slot, String template) {
        synchronized (lock) {
            Replica r = warm.get(slot);
            if (r == null || !r.template().equals(template)) return null;
            warm.remove(slot);
            green.add(r);
            return r;
        }
    }

    /**
     * The flip itself, in one step under the lock (so routes are published either before or after it, never half):
     * the new replicas take their slots and serve; the old ones leave the routes and either stay warm or are returned
     * to be stopped.
     */
    private List<Replica> switchRoutes(Deployment d, Map<String, Replica> next) {
        boolean keepWarm = d.keepWarm().compareTo(settings.drainDelay()) > 0;
        List<Replica> retiring = new ArrayList<>();
        synchronized (lock) {
            green.removeAll(next.values());
            next.forEach((slot, replica) -> {
                replica.supervisor().admit();
                Replica old = slots.put(slot, replica);
                if (old == null) return;
                old.supervisor().drain();
                boolean ingress = d.ingress() != null && old.supervisor().spec().component().equals(d.ingress().component());
                Replica displaced = keepWarm && ingress ? warm.put(slot, old) : old;
                if (displaced != null) retiring.add(displaced);
            });
            if (!warm.isEmpty()) warmUntil = Instant.now().plus(d.keepWarm());
            progress = "release " + d.release() + " serves; stopping the previous replicas";
            kicks.release();
        }
        return retiring;
    }

    private void remove(Remove r) {
        synchronized (lock) {
            slots.remove(r.slot());
            progress = "stopping " + r.slot();
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

    /** Waits until the replica is healthy (empty), fails, or the target moves on (a reason). */
    private Optional<String> awaitHealthy(ReplicaSupervisor replica, Deployment d) {
        while (true) {
            ReplicaSupervisor.Snapshot s = replica.snapshot();
            if (s.state() == ReplicaSupervisor.State.HEALTHY) return Optional.empty();
            if (s.state() == ReplicaSupervisor.State.FAILED) return Optional.of(Objects.requireNonNullElse(s.message(), "failed"));
            synchronized (lock) {
                if (closed) return Optional.of("the agent is stopping");
                if (target != d) return Optional.of("superseded by generation " + target.generation());
            }
            sleep(HEALTH_POLL);
        }
    }

    /** Waits until every replica is healthy (empty), one fails, or the target moves on (a reason). */
    private Optional<String> awaitAllHealthy(java.util.Collection<Replica> all, Deployment d) {
        for (Replica r : all) {
            Optional<String> failed = awaitHealthy(r.supervisor(), d).map(reason -> r.supervisor().spec().name() + ": " + reason);
            if (failed.isPresent()) return failed;
        }
        return Optional.empty();
    }

    private void stopAndRelease(ReplicaSupervisor replica) {
        replica.stop(settings.stopGrace());
        replicas.released(replica);
    }

    /** The agent's view of the instance: converging (STARTING), a failed rollout or replica (FAILED), else by health. */
    ObservedInstance observe() {
        InstanceObservation view;
        synchronized (lock) {
            List<ReplicaSupervisor> replacements = new ArrayList<>();
            if (incoming != null) replacements.add(incoming.supervisor());
            green.forEach(r -> replacements.add(r.supervisor()));
            view = new InstanceObservation(target, supervisors(), warm.values().stream().map(Replica::supervisor).toList(), replacements,
                    failure, progress, converged);
        }
        return view.observe();
    }

    /**
     * The gateway route of the instance: its healthy, not draining replicas of the ingress component (of the slots and
     * a rolling replacement; never a flip's new replicas before the flip), and the release they run. Taken under the
     * lock, so that a flip is seen whole.
     */
    Route route() {
        synchronized (lock) {
            Deployment d = target;
            List<ReplicaSupervisor> serving = new ArrayList<>(slots.values().stream().map(Replica::supervisor).toList());
            if (incoming != null) serving.add(incoming.supervisor());
            serving.removeIf(s -> d.ingress() == null || !s.spec().component().equals(d.ingress().component()) || !s.isServing());
            List<String> backends = serving.stream().map(s -> "127.0.0.1:" + s.spec().ports().get(d.ingress().port())).toList();
            String release = serving.isEmpty() ? d.release() : serving.getFirst().spec().release();
            boolean stopped = !d.hibernated() && d.ingress() != null && d.components().stream()
                    .filter(c -> c.name().equals(d.ingress().component())).allMatch(c -> c.replicasOrDefault() == 0);
            // hibernated, also while it wakes: a request that finds no replica is held until one serves, never refused
            return new Route(d.host(), d.instanceUid(), backends, d.hibernated(), release, stopped, d.httpsOnly());
        }
    }

    /** Every replica the instance's slots run, and the new ones being started. Called holding the lock. */
    private List<ReplicaSupervisor> supervisors() {
        List<ReplicaSupervisor> all = new ArrayList<>(slots.values().stream().map(Replica::supervisor).toList());
        if (incoming != null) all.add(incoming.supervisor());
        green.forEach(r -> all.add(r.supervisor()));
        return all;
    }

    /** Stops converging and supervising, and leaves every replica running for the next agent to adopt. */
    void detach() {
        shutDown().forEach(ReplicaSupervisor::detach);
    }

    /** Stops the converging thread and every replica, in parallel. */
    void close() {
        shutDown().parallelStream().forEach(this::stopAndRelease);
        try {
            thread.join(settings.stopGrace().plusSeconds(5).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Ends the converging thread; returns the replicas, which the runtime no longer tracks. */
    private List<ReplicaSupervisor> shutDown() {
        List<ReplicaSupervisor> all;
        synchronized (lock) {
            closed = true;
            kicks.release();
            all = supervisors();
            warm.values().forEach(r -> all.add(r.supervisor()));
            slots.clear();
            incoming = null;
            green.clear();
            warm.clear();
        }
        thread.interrupt();
        return all;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
