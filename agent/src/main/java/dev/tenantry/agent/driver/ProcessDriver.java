package dev.tenantry.agent.driver;

import dev.tenantry.api.Directories;
import dev.tenantry.api.blueprint.Component;
import dev.tenantry.api.cell.Deployment;
import dev.tenantry.api.cell.ObservedInstance;
import dev.tenantry.api.cell.ObservedReplica;
import dev.tenantry.api.cell.Route;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs deployments as OS processes on this host. Each replica gets its own working directory,
 * allocated ports, a clean environment with the rendered variables, and a log file:
 *
 * <pre>
 * {workDir}/instances/{uid}/data/                        the instance's data ({{instance.dataDir}}), shared by its replicas
 * {workDir}/instances/{uid}/replicas/{component}-{n}/    working directory of one replica
 * {workDir}/instances/{uid}/logs/{component}-{n}.log     its stdout and stderr (rotated to .log.1 past a cap: {@link LogRotation})
 * {workDir}/instances/{uid}/run/{component}-{n}.g{generation}.json  its process, ports and template (for adoption)
 * </pre>
 *
 * An instance that is no longer wanted (deleted) keeps its data and logs until it is purged.
 */
public final class ProcessDriver implements Driver {
    private static final Logger log = LoggerFactory.getLogger(ProcessDriver.class);

    private final Path instancesDir;
    private final Path secretsDir;
    private final SecretValues secretValues;
    private final WorkloadUsers users;
    private final ReplicaSpecs specs;
    private final CgroupLimits limits;
    private final DriverSettings settings;
    private final Runnable onChange;
    private final ChangedInstances changes = new ChangedInstances();
    private final Runnable onRoutesChanged;
    private final StartSlots startSlots;
    private final LogRotation logRotation;
    private final HookRunner hooks;
    private final Map<String, InstanceRuntime> running = new ConcurrentHashMap<>();
    private final Set<Integer> allocatedPorts = ConcurrentHashMap.newKeySet();
    private final Map<String, Map<String, ReplicaState>> adoptable = new LinkedHashMap<>();
    /** Closed or detached: a late {@link #apply} (the agent's poll thread ending) starts nothing. */
    private boolean closed;

    /** {@code onChange} runs whenever what runs changed; {@code onRoutesChanged} synchronously, when a replica leaves the routes. */
    public ProcessDriver(Path workDir, DriverSettings settings, Runnable onChange, Runnable onRoutesChanged) {
        this(workDir, settings, onChange, onRoutesChanged, SecretSource.NONE);
    }

    /** {@code secrets}: where the values of instances' secrets come from (the server). */
    public ProcessDriver(Path workDir, DriverSettings settings, Runnable onChange, Runnable onRoutesChanged, SecretSource secrets) {
        this.instancesDir = workDir.resolve("instances");
        this.secretsDir = SecretDirectories.forAgent(workDir);
        this.secretValues = new SecretValues(secrets);
        this.users = WorkloadUsers.forInstancesUnder(workDir, instancesDir);
        this.specs = new ReplicaSpecs(instancesDir, secretsDir, secretValues, users, settings);
        this.limits = settings.enforceSizes() ? CgroupLimits.forAgent(workDir) : CgroupLimits.NONE;
        this.settings = settings;
        this.onChange = onChange;
        this.onRoutesChanged = onRoutesChanged;
        this.startSlots = new StartSlots(settings.startConcurrency(), settings.startSlotHold(), OutputWatch.start());
        this.logRotation = LogRotation.every(() -> running.keySet().stream().map(this::instanceDir).toList(), settings.replicaLogBytes());
        this.hooks = new HookRunner(instancesDir, users, settings.stopGrace(), settings.workloadNice());
    }

    public ProcessDriver(Path workDir, DriverSettings settings, Runnable onChange) {
        this(workDir, settings, onChange, onChange);
    }

    /**
     * Takes stock of the workload processes an earlier agent left running, by their state files: a replica of an
     * instance in {@code desired} (one per slot, preferring the current template) is adopted, without a restart,
     * when {@link #apply} creates the instance's runtime. Every other process of this agent's directory — other
     * instances, extra replicas, processes whose state file is missing (an agent killed while it started them) —
     * is stopped, so that no replica ever runs twice.
     */
    @Override
    public synchronized void adoptRunning(List<Deployment> desired) throws IOException {
        Map<String, Deployment> wanted = new LinkedHashMap<>();
        desired.forEach(d -> wanted.put(d.instanceUid(), d));
        List<ReplicaState> live = new ArrayList<>();
        Map<Long, Path> fileOf = new java.util.HashMap<>();
        if (Files.isDirectory(instancesDir)) {
            try (Stream<Path> files = Files.walk(instancesDir, 4)) {
                for (Path file : files.filter(f -> f.getParent().getFileName().toString().equals("run")).toList()) {
                    Optional<ReplicaState> state = file.toString().endsWith(".json") ? ReplicaState.read(file) : Optional.empty();
                    // an adopted replica's file stays until its supervisor writes its own (an earlier adoption may leave two)
                    if (state.isEmpty() || state.get().liveProcess().isEmpty() || fileOf.putIfAbsent(state.get().pid(), file) != null) {
                        Files.deleteIfExists(file);
                        continue;
                    }
                    live.add(state.get());
                }
            }
        }
        AdoptionPlan plan = AdoptionPlan.of(wanted, live);
        for (ReplicaState s : plan.stop()) {
            Files.deleteIfExists(fileOf.get(s.pid()));
            log.info("Stopping workload process {} of instance {} that is no longer wanted", s.pid(), s.instanceUid());
        }
        InParallel.forEach(plan.stop(), s -> s.liveProcess().ifPresent(h -> WatchedProcess.terminate(h, settings.stopGrace())));
        Set<Long> kept = new java.util.HashSet<>();
        plan.adopt().values().forEach(slots -> slots.values().forEach(s -> kept.add(s.pid())));
        OrphanSweep.stopUnknown(instancesDir, kept, settings.stopGrace());
        adoptable.clear();
        adoptable.putAll(plan.adopt());
    }

    /**
     * Makes the running workloads match {@code desired}: stops what is gone, starts what is new, and hands a
     * changed deployment to its instance's runtime, which replaces replicas one at a time.
     */
    @Override
    public synchronized void apply(List<Deployment> desired) {
        if (closed) return;
        Map<String, Deployment> wanted = new LinkedHashMap<>();
        desired.forEach(d -> wanted.put(d.instanceUid(), d));
        List<InstanceRuntime> gone = running.values().stream().filter(r -> !wanted.containsKey(r.deployment().instanceUid())).toList();
        gone.forEach(r -> changes.mark(r.deployment().instanceUid()));
        InParallel.forEach(gone, this::remove);
        adoptable.keySet().removeIf(uid -> !wanted.containsKey(uid) || running.containsKey(uid));
        for (Deployment d : wanted.values()) {
            InstanceRuntime runtime = running.get(d.instanceUid());
            if (runtime == null) {
                log.info("Starting {} ({} release {}, generation {})", d.key(), d.service(), d.release(), d.generation());
                Map<String, ReplicaState> adopted = adoptable.getOrDefault(d.instanceUid(), Map.of());
                // not marked: a new instance is first reported when its replicas say something (queued, launched, adopted,
                // failed) or it has converged; marked now, a burst of creates reported each one once more, without replicas
                running.put(d.instanceUid(), new InstanceRuntime(d, adopted, replicas(), settings, changedOf(d), onRoutesChanged));
            } else if (runtime.deployment().generation() != d.generation()) {
                log.info("Converging {} to generation {} (release {})", d.key(), d.generation(), d.release());
                changes.mark(d.instanceUid());
                runtime.retarget(d);
            }
        }
        onChange.run();
    }

    /** What runs when the observation of the deployment's instance may have changed. */
    private Runnable changedOf(Deployment deployment) {
        String uid = deployment.instanceUid();
        return () -> {
            changes.mark(uid);
            onChange.run();
        };
    }

    /**
     * What a replica of the deployment's instance tells of its changes: its launch and its wait for a start slot are
     * noted, reported once they are {@link ChangedInstances#NOTE_DELAY} old (or with another change of the instance).
     */
    private ReplicaChanges replicaChangesOf(Deployment deployment) {
        Runnable now = changedOf(deployment);
        String uid = deployment.instanceUid();
        return new ReplicaChanges() {
            @Override
            public void changed() {
                now.run();
            }

            @Override
            public void noted() {
                changes.note(uid);
            }
        };
    }

    private void remove(InstanceRuntime runtime) {
        Deployment d = runtime.deployment();
        log.info("Stopping {} (generation {}); its data is kept until it is purged", d.key(), d.generation());
        runtime.close();
        running.remove(d.instanceUid());
        logRotation.lastLook(instanceDir(d.instanceUid()));
        deleteTree(instanceDir(d.instanceUid()).resolve("replicas"));
        deleteTree(instanceDir(d.instanceUid()).resolve("run"));
        deleteTree(secretsDir.resolve(d.instanceUid()));
        secretValues.forget(d.instanceUid());
    }

    /**
     * Removes, for good, the data and logs of instances that no longer run here (purged). An instance still running
     * is left alone: the server stops it first. Returns the uids whose directory is gone now.
     */
    @Override
    public synchronized List<String> purge(List<String> instanceUids) {
        List<String> purged = new ArrayList<>();
        for (String uid : instanceUids) {
            if (!uid.matches("[A-Za-z0-9_-]{1,100}")) {
                log.warn("Ignoring a purge of {}: not an instance uid", uid);
                continue;
            }
            if (running.containsKey(uid)) {
                log.warn("Not purging instance {}: it still runs", uid);
                continue;
            }
            Path dir = instanceDir(uid);
            if (Files.exists(dir)) log.info("Purging the data of instance {}", uid);
            deleteTree(dir);
            if (!Files.exists(dir)) purged.add(uid);
        }
        return purged;
    }

    private Path instanceDir(String instanceUid) {
        return instancesDir.resolve(instanceUid);
    }

    private Replicas replicas() {
        return new Replicas() {
            @Override
            public ReplicaSupervisor create(Deployment deployment, Component component, int index, String template) {
                Map<String, Integer> ports = new LinkedHashMap<>();
                component.ports().forEach(p -> ports.put(p.name(), allocatePort()));
                return new ReplicaSupervisor(specs.of(deployment, component, index, ports, template, deployment.release()), replicaChangesOf(deployment), startSlots,
                        limits);
            }

            @Override
            public ReplicaSupervisor adopt(Deployment deployment, Component component, int index, ReplicaState running) {
                allocatedPorts.addAll(running.ports().values());
                String release = running.release() == null ? deployment.release() : running.release();
                ReplicaSpec spec = specs.of(deployment, component, index, running.ports(), running.template(), release);
                return new ReplicaSupervisor(spec, replicaChangesOf(deployment), startSlots, limits, running);
            }

            @Override
            public void released(ReplicaSupervisor replica) {
                allocatedPorts.removeAll(replica.spec().ports().values());
                replica.spec().secrets().remove();
            }

            @Override
            public Optional<String> runHook(Deployment deployment, String name, List<String> command, Duration timeout) {
                return hooks.run(deployment, name, command, timeout);
            }
        };
    }

    private int allocatePort() {
        for (int attempt = 0; attempt < 100; attempt++) {
            try (ServerSocket s = new ServerSocket(0)) {
                int port = s.getLocalPort();
                if (allocatedPorts.add(port)) return port;
            } catch (IOException e) {
                throw new IllegalStateException("cannot allocate a local port: " + e.getMessage(), e);
            }
        }
        throw new IllegalStateException("cannot allocate a free local port");
    }

    /** Wakes a hibernated instance (a request for it waits at the gateway); false if it is unknown or not asleep. */
    @Override
    public boolean wake(String instanceUid) {
        InstanceRuntime runtime = running.get(instanceUid);
        return runtime != null && runtime.wake();
    }

    /** What runs now, one entry per deployment. */
    @Override
    public List<ObservedInstance> observe() {
        List<ObservedInstance> result = new ArrayList<>(running.values().stream().map(InstanceRuntime::observe).toList());
        result.sort(Comparator.comparing(ObservedInstance::instanceUid));
        return result;
    }

    @Override
    public List<ObservedInstance> observe(Collection<String> instanceUids) {
        List<ObservedInstance> result = new ArrayList<>();
        for (String uid : instanceUids) {
            InstanceRuntime runtime = running.get(uid);
            if (runtime != null) result.add(runtime.observe());
        }
        return result;
    }

    @Override
    public ChangedInstances.Taken changes() {
        return changes.take();
    }

    @Override
    public boolean changesNoted() {
        return changes.any();
    }

    /** Every deployment it runs, with what runs of it now (for metrics). */
    @Override
    public List<Running> running() {
        return running.values().stream().map(r -> new Running(r.deployment(), r.observe())).toList();
    }

    /** Gateway routes: each deployment's host to its healthy, not draining ingress replicas. */
    @Override
    public List<Route> routes() {
        List<Route> routes = new ArrayList<>();
        for (InstanceRuntime r : running.values()) {
            if (r.deployment().host() == null || r.deployment().ingress() == null) continue;
            Route route = r.route();
            routes.add(route);
            for (String domain : r.deployment().domains().keySet()) {
                routes.add(new Route(domain, route.instanceUid(), route.backends(), route.hibernated(), route.release(), route.stopped(),
                        route.httpsOnly()));
            }
        }
        routes.sort(Comparator.comparing(Route::host));
        return routes;
    }

    /** The host names the cell's instances are served at by the CA's certificates (their custom domains aside). */
    @Override
    public Set<String> hosts() {
        Set<String> hosts = new java.util.TreeSet<>();
        running.values().forEach(r -> {
            if (r.deployment().host() != null && r.deployment().ingress() != null) hosts.add(r.deployment().host());
        });
        return hosts;
    }

    /** The custom domains of the running instances, by instance uid: domain → fingerprint of its uploaded certificate. */
    @Override
    public Map<String, Map<String, String>> domains() {
        Map<String, Map<String, String>> domains = new java.util.TreeMap<>();
        running.values().forEach(r -> {
            if (r.deployment().ingress() != null && !r.deployment().domains().isEmpty()) domains.put(r.deployment().instanceUid(), r.deployment().domains());
        });
        return domains;
    }

    /** Stops supervising and leaves every workload running, for the next agent to adopt (static stability). */
    @Override
    public synchronized void detach() {
        closed = true;
        logRotation.close();
        running.values().forEach(InstanceRuntime::detach);
        running.clear();
        startSlots.output().close();
    }

    /** Stops every workload (agent shutdown in dev mode: nothing is left running). */
    @Override
    public synchronized void close() {
        closed = true;
        logRotation.close();
        InParallel.forEach(new ArrayList<>(running.values()), InstanceRuntime::close);
        running.clear();
        limits.removeIfEmpty();
        startSlots.output().close();
    }

    private static void deleteTree(Path dir) {
        try {
            Directories.deleteTree(dir);
        } catch (IOException e) {
            log.warn("Could not remove {}: {}", dir, e.getMessage());
        }
    }
}
