package dev.tenantry.agent.driver;

import dev.tenantry.api.blueprint.Component;
import dev.tenantry.api.blueprint.Placeholders;
import dev.tenantry.api.blueprint.Resources;
import dev.tenantry.api.cell.Deployment;
import dev.tenantry.api.cell.ObservedInstance;
import dev.tenantry.api.cell.ObservedReplica;
import dev.tenantry.api.cell.Route;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs deployments as OS processes on this host. Each replica gets its own working directory,
 * allocated ports, a clean environment with the rendered variables, and a log file:
 *
 * <pre>
 * {workDir}/instances/{tenant}/{instance}/data/                 the instance's data ({{instance.dataDir}})
 * {workDir}/instances/{tenant}/{instance}/replicas/{component}-{n}/  working directory of one replica
 * {workDir}/instances/{tenant}/{instance}/logs/{component}-{n}.log   its stdout and stderr
 * {workDir}/instances/{tenant}/{instance}/run/{component}-{n}.g{generation}.pid  its process id
 * </pre>
 */
public final class ProcessDriver implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ProcessDriver.class);
    private static final List<String> INHERITED_ENV = List.of("PATH", "LANG", "LC_ALL", "TZ", "JAVA_HOME");

    private final Path instancesDir;
    private final DriverSettings settings;
    private final Runnable onChange;
    private final Runnable onRoutesChanged;
    private final Map<String, InstanceRuntime> running = new ConcurrentHashMap<>();
    private final Set<Integer> allocatedPorts = ConcurrentHashMap.newKeySet();

    /** {@code onChange} runs whenever what runs changed; {@code onRoutesChanged} synchronously, when a replica leaves the routes. */
    public ProcessDriver(Path workDir, DriverSettings settings, Runnable onChange, Runnable onRoutesChanged) {
        this.instancesDir = workDir.resolve("instances");
        this.settings = settings;
        this.onChange = onChange;
        this.onRoutesChanged = onRoutesChanged;
    }

    public ProcessDriver(Path workDir, DriverSettings settings, Runnable onChange) {
        this(workDir, settings, onChange, onChange);
    }

    /**
     * Stops workload processes that a previous agent process left behind (their pid files remain), so that
     * starting the desired state never runs a replica twice.
     */
    public void stopLeftovers() throws IOException {
        if (!Files.isDirectory(instancesDir)) return;
        try (Stream<Path> files = Files.walk(instancesDir, 4)) {
            for (Path pidFile : files.filter(p -> p.toString().endsWith(".pid")).toList()) {
                String text = Files.readString(pidFile).strip();
                if (text.matches("[0-9]+")) {
                    ProcessHandle.of(Long.parseLong(text)).filter(ProcessHandle::isAlive).ifPresent(h -> {
                        log.info("Stopping leftover workload process {} ({})", h.pid(), pidFile);
                        ReplicaSupervisor.terminate(h, settings.stopGrace());
                    });
                }
                Files.deleteIfExists(pidFile);
            }
        }
    }

    /**
     * Makes the running workloads match {@code desired}: stops what is gone, starts what is new, and hands a
     * changed deployment to its instance's runtime, which replaces replicas one at a time.
     */
    public synchronized void apply(List<Deployment> desired) {
        Map<String, Deployment> wanted = new LinkedHashMap<>();
        desired.forEach(d -> wanted.put(d.instanceUid(), d));
        List<InstanceRuntime> gone = running.values().stream().filter(r -> !wanted.containsKey(r.deployment().instanceUid())).toList();
        gone.parallelStream().forEach(this::remove);
        for (Deployment d : wanted.values()) {
            InstanceRuntime runtime = running.get(d.instanceUid());
            if (runtime == null) {
                log.info("Starting {} ({} release {}, generation {})", d.key(), d.service(), d.release(), d.generation());
                running.put(d.instanceUid(), new InstanceRuntime(d, replicas(), settings, onChange, onRoutesChanged));
            } else if (runtime.deployment().generation() != d.generation()) {
                log.info("Converging {} to generation {} (release {})", d.key(), d.generation(), d.release());
                runtime.retarget(d);
            }
        }
        onChange.run();
    }

    private void remove(InstanceRuntime runtime) {
        Deployment d = runtime.deployment();
        log.info("Stopping {} (generation {})", d.key(), d.generation());
        runtime.close();
        running.remove(d.instanceUid());
        deleteTree(instanceDir(d));
    }

    private Path instanceDir(Deployment d) {
        return instancesDir.resolve(d.tenant()).resolve(d.instance());
    }

    private InstanceRuntime.Replicas replicas() {
        return new InstanceRuntime.Replicas() {
            @Override
            public ReplicaSupervisor create(Deployment deployment, Component component, int index) {
                return new ReplicaSupervisor(replicaSpec(deployment, component, index, instanceDir(deployment)), onChange);
            }

            @Override
            public void released(ReplicaSupervisor replica) {
                allocatedPorts.removeAll(replica.spec().ports().values());
            }
        };
    }

    private ReplicaSpec replicaSpec(Deployment d, Component c, int index, Path dir) {
        Map<String, Integer> ports = new LinkedHashMap<>();
        c.ports().forEach(p -> ports.put(p.name(), allocatePort()));
        Path dataDir = dir.resolve("data");
        Path workingDir = dir.resolve("replicas").resolve(c.name() + "-" + index);
        Resources res = c.resources() == null ? Resources.DEFAULT : c.resources();
        Function<String, String> resolver = key -> {
            if (key.startsWith("ports.")) return ports.containsKey(key.substring(6)) ? String.valueOf(ports.get(key.substring(6))) : null;
            return switch (key) {
                case "replica.index" -> String.valueOf(index);
                case "resources.memoryMb" -> String.valueOf(res.memoryMb());
                case "resources.cpuMillis" -> String.valueOf(res.cpuMillis());
                case "instance.dataDir" -> dataDir.toString();
                default -> null;
            };
        };
        Map<String, String> env = new LinkedHashMap<>();
        INHERITED_ENV.forEach(k -> {
            if (System.getenv(k) != null) env.put(k, System.getenv(k));
        });
        env.put("HOME", workingDir.toString());
        env.put("TENANTRY_TENANT", d.tenant());
        env.put("TENANTRY_INSTANCE", d.instance());
        env.put("TENANTRY_SERVICE", d.service());
        env.put("TENANTRY_RELEASE", d.release());
        env.put("TENANTRY_REPLICA", String.valueOf(index));
        env.put("TENANTRY_DATA_DIR", dataDir.toString());
        ports.forEach((name, port) -> env.put("PORT_" + name.toUpperCase().replace('-', '_'), String.valueOf(port)));
        if (!ports.isEmpty()) env.put("PORT", String.valueOf(ports.values().iterator().next()));
        c.env().forEach((k, v) -> env.put(k, Placeholders.render(v, resolver)));
        List<String> command = Stream.concat(c.command().stream(), c.args().stream()).map(s -> Placeholders.render(s, resolver)).toList();
        return new ReplicaSpec(d.instanceUid(), c.name(), index, d.generation(), command, env, ports, dataDir, workingDir,
                dir.resolve("logs").resolve(c.name() + "-" + index + ".log"), dir.resolve("run").resolve(c.name() + "-" + index + ".g" + d.generation() + ".pid"),
                c.health(), settings.workloadNice());
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

    /** What runs now, one entry per deployment. */
    public List<ObservedInstance> observe() {
        List<ObservedInstance> result = new ArrayList<>(running.values().stream().map(InstanceRuntime::observe).toList());
        result.sort(Comparator.comparing(ObservedInstance::instanceUid));
        return result;
    }

    /** Gateway routes: each deployment's host to its healthy, not draining ingress replicas. */
    public List<Route> routes() {
        List<Route> routes = new ArrayList<>();
        for (InstanceRuntime r : running.values()) {
            Deployment d = r.deployment();
            if (d.host() == null || d.ingress() == null) continue;
            routes.add(new Route(d.host(), d.instanceUid(), r.backends()));
        }
        routes.sort(Comparator.comparing(Route::host));
        return routes;
    }

    /** Stops every workload (agent shutdown in dev mode: nothing is left running). */
    @Override
    public synchronized void close() {
        new ArrayList<>(running.values()).parallelStream().forEach(InstanceRuntime::close);
        running.clear();
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) return;
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            log.warn("Could not remove {}: {}", dir, e.getMessage());
        }
    }
}
