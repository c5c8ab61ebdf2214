package dev.tenantry.agent.driver;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tenantry.api.Hashes;
import dev.tenantry.api.Json;
import dev.tenantry.api.blueprint.Component;
import dev.tenantry.api.cell.Deployment;
import dev.tenantry.api.cell.ObservedInstance;
import dev.tenantry.api.cell.ObservedReplica;
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
 *   <li>a slot whose replica was started from a different template (command, env, size, release, restart
 *       request) gets a new replica beside the old one; once the new one is healthy the old one leaves the
 *       routes, gets {@code drainDelay} to finish what the gateway already sent it, and stops (surge of one,
 *       so the instance keeps serving);</li>
 *   <li>a slot the deployment no longer has is drained and stopped (scaling down, stopping).</li>
 * </ul>
 *
 * A replacement that fails stops itself and leaves the old replicas serving; the rollout is then FAILED
 * until a newer deployment arrives.
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

    /** What a replica was started from; a slot whose replica has another template is replaced. */
    record Template(Component component, String release, Instant restartedAt) {
        private static final ObjectWriter CANONICAL = Json.MAPPER.writer().with(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

        static String of(Deployment d, Component c) {
            Component withoutCount = new Component(c.name(), c.command(), c.args(), c.env(), c.ports(), c.health(), c.resources(), null);
            return new Template(withoutCount, d.release(), d.restartedAt()).fingerprint();
        }

        /** A hash of the template that stays the same across agent restarts (maps written in key order). */
        String fingerprint() {
            try {
                return Hashes.sha256(CANONICAL.writeValueAsBytes(this));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot fingerprint a replica template", e);
            }
        }
    }

    private record Replica(ReplicaSupervisor supervisor, String template) {}

    private sealed interface Change {}

    private record Add(String slot, Component component, int index) implements Change {}

    private record Replace(String slot, Component component, int index, Replica old) implements Change {}

    private record Remove(String slot, Replica old) implements Change {}

    private final Replicas replicas;
    private final DriverSettings settings;
    private final Runnable onChange;
    private final Runnable onRoutesChanged;
    private final Object lock = new Object();
    private final Map<String, Replica> slots = new LinkedHashMap<>();
    private final Thread thread;
    private Deployment target;
    private Replica incoming;
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
            lock.notifyAll();
        }
        onChange.run();
    }

    /** Starts a hibernated instance's replicas now (a request for it is waiting at the gateway); false if it is not asleep. */
    boolean wake() {
        synchronized (lock) {
            if (!isAsleepLocked()) return false;
            woken = true;
            converged = false;
            lock.notifyAll();
        }
        onChange.run();
        return true;
    }

    /** Hibernated and not woken: its route holds requests and asks for a wake. */
    boolean isAsleep() {
        synchronized (lock) {
            return isAsleepLocked();
        }
    }

    private boolean isAsleepLocked() {
        return target.hibernated() && !woken;
    }

    private void convergeLoop() {
        while (true) {
            Deployment d;
            Optional<Change> change;
            boolean postHookDue = false;
            synchronized (lock) {
                if (closed) return;
                d = target;
                change = nextChange(d);
                if (change.isEmpty() && failure == null && upgrading(d)) {
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
                    try {
                        lock.wait();
                    } catch (InterruptedException e) {
                        if (closed) return;
                    }
                    continue;
                }
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

    /** The first difference between the running replicas and {@code d}, in slot order; removals last. */
    private Optional<Change> nextChange(Deployment d) {
        List<String> wanted = new ArrayList<>();
        for (Component c : d.components()) {
            int count = d.hibernated() && !woken ? 0 : c.replicasOrDefault();
            for (int i = 0; i < count; i++) {
                String slot = c.name() + "-" + i;
                wanted.add(slot);
                Replica current = slots.get(slot);
                if (current == null) return Optional.of(new Add(slot, c, i));
                if (!current.template().equals(Template.of(d, c))) return Optional.of(new Replace(slot, c, i, current));
            }
        }
        return slots.entrySet().stream().filter(e -> !wanted.contains(e.getKey())).findFirst()
                .map(e -> new Remove(e.getKey(), e.getValue()));
    }

    /**
     * A new replica for the slot, not started yet, handed to {@code register} under the lock in the same step that
     * checks the runtime is still open, so that a {@link #close} either sees it (and stops it) or it is never
     * registered; empty once the runtime is closed.
     */
    private Optional<Replica> newReplica(Deployment d, Component c, int index, java.util.function.Consumer<Replica> register) {
        String template = Template.of(d, c);
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

    private void stopAndRelease(ReplicaSupervisor replica) {
        replica.stop(settings.stopGrace());
        replicas.released(replica);
    }

    /** The agent's view of the instance: converging (STARTING), a failed rollout or replica (FAILED), else by health. */
    ObservedInstance observe() {
        Deployment d;
        List<ReplicaSupervisor> all;
        String rolloutFailure;
        String rolloutProgress;
        boolean done;
        ReplicaSupervisor replacement;
        synchronized (lock) {
            d = target;
            all = supervisors();
            replacement = incoming == null ? null : incoming.supervisor();
            rolloutFailure = failure;
            rolloutProgress = progress;
            done = converged;
        }
        List<ObservedReplica> observed = new ArrayList<>();
        List<String> waitingFor = new ArrayList<>();
        boolean allHealthy = true;
        String replicaFailure = null;
        String message = null;
        for (ReplicaSupervisor s : all) {
            ReplicaSupervisor.Snapshot snap = s.snapshot();
            boolean healthy = snap.state() == ReplicaSupervisor.State.HEALTHY;
            allHealthy &= healthy;
            if (!healthy) waitingFor.add(s.spec().name());
            // a failed replacement is the rollout's to report (it keeps the old replica serving), not the instance's
            if (snap.state() == ReplicaSupervisor.State.FAILED && replicaFailure == null && s != replacement) {
                replicaFailure = s.spec().name() + ": " + snap.message();
            }
            if (!healthy && snap.message() != null && message == null) message = s.spec().name() + ": " + snap.message();
            observed.add(new ObservedReplica(s.spec().component(), s.spec().index(), snap.pid(), s.spec().ports(), healthy,
                    snap.restarts(), snap.message(), snap.startedAt(), snap.healthySince()));
        }
        ObservedInstance.State state;
        if (rolloutFailure != null) {
            state = ObservedInstance.State.FAILED;
            message = rolloutFailure;
        } else if (replicaFailure != null) {
            state = ObservedInstance.State.FAILED;
            message = replicaFailure;
        } else if (!done) {
            state = ObservedInstance.State.STARTING;
            if (rolloutProgress != null) message = rolloutProgress;
        } else {
            state = allHealthy ? ObservedInstance.State.RUNNING : ObservedInstance.State.STARTING;
            if (!allHealthy && message == null) message = "waiting for " + String.join(", ", waitingFor) + " to become healthy";
        }
        return new ObservedInstance(d.instanceUid(), d.generation(), state, message, observed, null);
    }

    /** The healthy, not draining replicas of the ingress component, as gateway backends. */
    List<String> backends() {
        Deployment d;
        List<ReplicaSupervisor> all;
        synchronized (lock) {
            d = target;
            all = supervisors();
        }
        if (d.ingress() == null) return List.of();
        return all.stream().filter(s -> s.spec().component().equals(d.ingress().component()))
                .filter(ReplicaSupervisor::isServing)
                .map(s -> "127.0.0.1:" + s.spec().ports().get(d.ingress().port())).toList();
    }

    /** Every replica: one per slot, and the replacement being started. Called holding the lock. */
    private List<ReplicaSupervisor> supervisors() {
        List<ReplicaSupervisor> all = new ArrayList<>(slots.values().stream().map(Replica::supervisor).toList());
        if (incoming != null) all.add(incoming.supervisor());
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
            lock.notifyAll();
            all = supervisors();
            slots.clear();
            incoming = null;
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
