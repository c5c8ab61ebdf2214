package dev.tenantry.agent.driver;

import dev.tenantry.api.blueprint.Component;
import dev.tenantry.api.cell.Deployment;
import dev.tenantry.api.cell.ObservedInstance;
import dev.tenantry.api.cell.ObservedReplica;
import dev.tenantry.api.cell.Route;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A driver that runs nothing: for benchmarks and tests of scale only, so that one machine can hold many cells and a very
 * large fleet. Each replica a deployment asks for is simulated: it "starts" when the deployment arrives (or changes
 * generation, or wakes) and reports healthy {@code healthyAfter} later, without a process, a port, a directory or traffic
 * (no routes: its gateway serves nothing). What runs lives on a simulated {@link Machine}, so that, as with processes, an
 * agent that stops without stopping its workloads leaves them to the next agent of its work directory. Everything between
 * the server and the driver (desired state, cache, reports, usage) is the real agent's.
 */
public final class HollowDriver implements Driver {
    private final Machine machine;
    private final Duration healthyAfter;
    private final Runnable onChange;
    private final ChangedInstances changes = new ChangedInstances();
    private final Clock clock;
    private final ScheduledExecutorService timer;
    private boolean closed;

    /** One deployment as it runs, hollow: its replicas all started at {@code startedAt} (none while hibernated and not woken). */
    record HollowInstance(Deployment deployment, Instant startedAt, boolean awake) {
        boolean runsReplicas() {
            return !deployment.hibernated() || awake;
        }
    }

    /** The simulated host of one agent's work directory: what runs there, whichever agent supervises it. */
    public static final class Machine {
        private final Map<String, HollowInstance> instances = new ConcurrentHashMap<>();

        /** How many instances run on it now. */
        public int size() {
            return instances.size();
        }
    }

    public HollowDriver(Machine machine, Duration healthyAfter, Runnable onChange, Clock clock) {
        if (healthyAfter.isNegative()) throw new IllegalArgumentException("healthyAfter must not be negative: " + healthyAfter);
        this.machine = machine;
        this.healthyAfter = healthyAfter;
        this.onChange = onChange;
        this.clock = clock;
        this.timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("hollow-driver").daemon().factory());
    }

    /**
     * Hollow drivers for agents, their replicas healthy {@code healthyAfter} after they start, one simulated machine per
     * work directory (in {@code machines}, kept by the caller across agent restarts).
     */
    public static Factory factory(Duration healthyAfter, Map<Path, Machine> machines) {
        return (workDir, settings, onChange, onRoutesChanged, secrets) ->
                new HollowDriver(machines.computeIfAbsent(workDir.toAbsolutePath(), dir -> new Machine()), healthyAfter, onChange, Clock.systemUTC());
    }

    /** Adopts what the machine runs of {@code desired}, unchanged, and stops everything else. */
    @Override
    public synchronized void adoptRunning(List<Deployment> desired) {
        Set<String> wanted = new HashSet<>();
        desired.forEach(d -> wanted.add(d.instanceUid()));
        machine.instances.keySet().retainAll(wanted);
    }

    @Override
    public synchronized void apply(List<Deployment> desired) {
        if (closed) return;
        Set<String> wanted = new HashSet<>();
        List<String> started = new ArrayList<>();
        for (Deployment d : desired) {
            wanted.add(d.instanceUid());
            HollowInstance current = machine.instances.get(d.instanceUid());
            if (current == null || current.deployment().generation() != d.generation()) {
                machine.instances.put(d.instanceUid(), new HollowInstance(d, clock.instant(), false));
                started.add(d.instanceUid());
            }
        }
        machine.instances.keySet().removeIf(uid -> {
            boolean gone = !wanted.contains(uid);
            if (gone) changes.mark(uid);
            return gone;
        });
        started.forEach(changes::mark);
        if (!started.isEmpty()) healthyLater(started);
        onChange.run();
    }

    /** Says that the instances changed once the replicas started now are healthy. */
    private void healthyLater(List<String> started) {
        timer.schedule(() -> {
            started.forEach(changes::mark);
            onChange.run();
        }, healthyAfter.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized List<String> purge(List<String> instanceUids) {
        return instanceUids.stream().filter(uid -> !machine.instances.containsKey(uid)).toList();
    }

    @Override
    public synchronized boolean wake(String instanceUid) {
        HollowInstance instance = machine.instances.get(instanceUid);
        if (closed || instance == null || instance.runsReplicas()) return false;
        machine.instances.put(instanceUid, new HollowInstance(instance.deployment(), clock.instant(), true));
        changes.mark(instanceUid);
        healthyLater(List.of(instanceUid));
        onChange.run();
        return true;
    }

    @Override
    public List<ObservedInstance> observe() {
        return running().stream().map(Running::observed).toList();
    }

    @Override
    public List<ObservedInstance> observe(Collection<String> instanceUids) {
        Instant now = clock.instant();
        List<ObservedInstance> result = new ArrayList<>();
        for (String uid : instanceUids) {
            HollowInstance instance = machine.instances.get(uid);
            if (instance != null) result.add(observe(instance, healthyAfter, now));
        }
        return result;
    }

    @Override
    public ChangedInstances.Taken changes() {
        return changes.take();
    }

    @Override
    public List<Running> running() {
        Instant now = clock.instant();
        List<Running> result = new ArrayList<>();
        for (HollowInstance instance : machine.instances.values()) result.add(new Running(instance.deployment(), observe(instance, healthyAfter, now)));
        result.sort(Comparator.comparing(r -> r.deployment().instanceUid()));
        return result;
    }

    /** What a hollow instance reports at {@code now}: STARTING until its replicas' delay has passed, then RUNNING. */
    static ObservedInstance observe(HollowInstance instance, Duration healthyAfter, Instant now) {
        Deployment d = instance.deployment();
        Instant healthySince = instance.startedAt().plus(healthyAfter);
        boolean healthy = !now.isBefore(healthySince);
        List<ObservedReplica> replicas = new ArrayList<>();
        if (instance.runsReplicas()) {
            for (Component c : d.components()) {
                for (int i = 0; i < c.replicasOrDefault(); i++) {
                    replicas.add(new ObservedReplica(c.name(), i, null, Map.of(), healthy, 0, null, instance.startedAt(),
                            healthy ? healthySince : null, d.release(), false));
                }
            }
        }
        boolean starting = !healthy && !replicas.isEmpty();
        return new ObservedInstance(d.instanceUid(), d.generation(), starting ? ObservedInstance.State.STARTING : ObservedInstance.State.RUNNING,
                starting ? "waiting for the hollow replicas to become healthy" : null, replicas, null, null);
    }

    @Override
    public List<Route> routes() {
        return List.of();
    }

    @Override
    public Set<String> hosts() {
        return Set.of();
    }

    @Override
    public Map<String, Map<String, String>> domains() {
        return Map.of();
    }

    /** Leaves what runs on the machine, for the next agent of the work directory. */
    @Override
    public synchronized void detach() {
        closed = true;
        timer.shutdownNow();
    }

    @Override
    public synchronized void close() {
        detach();
        machine.instances.clear();
    }
}
