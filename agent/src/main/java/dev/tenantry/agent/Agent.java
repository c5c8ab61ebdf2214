package dev.tenantry.agent;

import dev.tenantry.agent.driver.DriverSettings;
import dev.tenantry.agent.driver.Driver;
import dev.tenantry.api.cell.CellDesiredState;
import dev.tenantry.api.cell.CellRegistration;
import dev.tenantry.api.cell.CellReport;
import dev.tenantry.api.cell.InstanceTraffic;
import dev.tenantry.api.cell.Deployment;
import dev.tenantry.api.cell.ObservedInstance;
import dev.tenantry.api.cell.Route;
import dev.tenantry.api.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.concurrent.TimeUnit;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent of one cell. It long-polls the server for the cell's desired state (outbound only), caches
 * it on disk, drives the process driver to match it, pushes routes to the gateway, and reports what
 * runs after every change and as a heartbeat.
 */
public final class Agent implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Agent.class);
    /** How often the report loop looks for instances that got requests since the last report (their last-request time is reported). */
    private static final Duration TRAFFIC_CHECK = Duration.ofSeconds(1);
    private static final Duration RETRY = Duration.ofSeconds(1);
    private static final Duration WARN_EVERY = Duration.ofMinutes(1);
    private final ThrottledWarning pollFailures = new ThrottledWarning(log, WARN_EVERY);
    private final ThrottledWarning reportFailures = new ThrottledWarning(log, WARN_EVERY);

    /**
     * {@code token}: a bearer agent token (null with {@code tls}: the client certificate of {@code tls}, mutual TLS, says
     * who calls); {@code tls}: the TLS context for an https server (null: the JDK's default).
     */
    public record Config(String serverUrl, String token, String cell, CellRegistration registration, Path workDir, DriverSettings driver,
                         javax.net.ssl.SSLContext tls, AgentTiming timing) {
        public Config {
            timing = timing == null ? AgentTiming.DEFAULT : timing;
        }

        public Config(String serverUrl, String token, String cell, CellRegistration registration, Path workDir, DriverSettings driver,
                      javax.net.ssl.SSLContext tls) {
            this(serverUrl, token, cell, registration, workDir, driver, tls, null);
        }

        public Config(String serverUrl, String token, String cell, CellRegistration registration, Path workDir, DriverSettings driver) {
            this(serverUrl, token, cell, registration, workDir, driver, null, null);
        }
    }

    private final Config config;
    private final ServerClient server;
    private LogShipper logShipper;
    private final DesiredStateCache cache;
    private final Driver driver;
    private final RoutePublisher routes;
    private final Function<String, InstanceTraffic> traffic;
    private final CertificateKeeper certificates;
    private final dev.tenantry.agent.usage.UsageRecorder usage;
    private final String agentId = "agent-" + UUID.randomUUID().toString().substring(0, 8);
    private final Map<String, Deployment> desired = new LinkedHashMap<>();
    /** Instances whose data was purged, to name as removed in the next report (so the server sees the purge done). */
    private final Set<String> purgedToReport = new java.util.HashSet<>();
    /** Guards {@code changed}; a lock rather than a monitor, which a waiting virtual thread would pin on JDK 21-23. */
    private final java.util.concurrent.locks.ReentrantLock changeLock = new java.util.concurrent.locks.ReentrantLock();
    private final java.util.concurrent.locks.Condition changeSignal = changeLock.newCondition();
    private volatile boolean running = true;
    private volatile long appliedRevision = -1;
    /** Whether it has applied a full desired state from the server since it started (before that it runs its cached one). */
    private volatile boolean synced;
    private boolean changed = true;
    private Thread pollThread;
    private Thread reportThread;
    private Thread wakeThread;

    /**
     * {@code routeSink}: the gateway in this process, given the cell's routes; null when the cell's gateway runs in a
     * process of its own: it reads them from the routes file ({@link Route#FILE}) in the work directory.
     */
    public Agent(Config config, Consumer<List<Route>> routeSink) {
        this(config, routeSink, uid -> null);
    }

    /**
     * {@code traffic}: what the cell's gateway saw of an instance's requests (by uid; null: nothing), reported for idle
     * hibernation (its last request) and rollout analysis (its figures).
     */
    public Agent(Config config, Consumer<List<Route>> routeSink, Function<String, InstanceTraffic> traffic) {
        this(config, routeSink, traffic, null, java.time.Clock.systemUTC());
    }

    /**
     * {@code certificates}: where the TLS certificates for the routed hosts go (the gateway's HTTPS; null: no TLS), kept
     * and renewed by {@code clock}.
     */
    public Agent(Config config, Consumer<List<Route>> routeSink, Function<String, InstanceTraffic> traffic,
                 Consumer<List<dev.tenantry.api.cell.ServedCertificate>> certificates, java.time.Clock clock) {
        this(config, routeSink, traffic, certificates, clock, Driver.PROCESSES);
    }

    /** {@code drivers}: what runs the cell's deployments ({@link Driver#PROCESSES}; a hollow driver in benchmarks of scale). */
    public Agent(Config config, Consumer<List<Route>> routeSink, Function<String, InstanceTraffic> traffic,
                 Consumer<List<dev.tenantry.api.cell.ServedCertificate>> certificates, java.time.Clock clock, Driver.Factory drivers) {
        this.config = config;
        this.server = new ServerClient(config.serverUrl(), config.token(), config.cell(), config.tls());
        this.cache = new DesiredStateCache(config.workDir());
        this.driver = drivers.create(config.workDir(), config.driver(), this::changed, this::publishRoutes, server::secrets);
        this.traffic = traffic;
        this.usage = new dev.tenantry.agent.usage.UsageRecorder(config.workDir(), driver::running, traffic, server::postUsage, clock,
                config.driver().usageInterval());
        this.certificates = certificates == null ? null
                : new CertificateKeeper(server::issueCertificate, driver::hosts, server::domains, driver::domains, certificates, clock);
        this.routes = new RoutePublisher(driver::routes, routeSink, config.workDir().resolve(Route.FILE),
                this.certificates == null ? () -> {} : this.certificates::poke);
    }

    public Agent start() throws IOException {
        var cached = cache.load();
        driver.adoptRunning(cached.map(CellDesiredState::deployments).orElse(List.of()));
        if (cached.isPresent()) {
            log.info("Starting the cached desired state of cell {} (revision {}) before reaching the server",
                    cached.get().cell(), cached.get().revision());
            apply(cached.get());
        }
        boolean registered = register();
        pollThread = Thread.ofPlatform().name("agent-poll").daemon().start(() -> pollLoop(registered));
        wakeThread = Thread.ofPlatform().name("agent-wake").daemon().start(this::wakeRequestLoop);
        reportThread = Thread.ofPlatform().name("agent-report").daemon().start(this::reportLoop);
        logShipper = new LogShipper(server, config.workDir().resolve("instances"), config.timing().heartbeat()).start();
        usage.start();
        if (certificates != null) certificates.start();
        return this;
    }

    /** Registers the cell with the server; false (and a warning) when the server cannot be reached yet. */
    private boolean register() {
        try {
            server.register(config.registration());
            log.info("Serving cell {} for {}", config.cell(), config.serverUrl());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (IOException | RuntimeException e) {
            log.warn("Cannot register cell {} yet (retrying): {}", config.cell(), e.getMessage());
            return false;
        }
    }

    private void pollLoop(boolean alreadyRegistered) {
        boolean registered = alreadyRegistered;
        while (running) {
            if (!registered) {
                registered = register();
                if (!registered) {
                    sleep(RETRY);
                    continue;
                }
            }
            try {
                // the first poll asks for everything: a cached state may miss changes (or be ahead of a restored server)
                CellDesiredState state = server.awaitDesired(synced ? appliedRevision : -1, config.timing().longPoll());
                if (state.revision() != appliedRevision || state.full()) apply(state);
                synced = synced || state.full();
                pollFailures.succeeded();
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                if (!running) return;
                pollFailures.failed("Cannot get the desired state from the server", e);
                sleep(RETRY);
            }
        }
    }

    /** Merges a full or incremental desired state into the cell's, caches the result, runs it, and removes purged data. */
    synchronized void apply(CellDesiredState state) throws IOException {
        DesiredStateCache.merge(desired, state);
        List<Deployment> deployments = List.copyOf(desired.values());
        // cached before it runs: an agent that restarts adopts nothing the cache does not name
        cache.save(state, () -> new CellDesiredState(config.cell(), state.revision(), true, deployments, List.of(), List.of()));
        driver.apply(deployments);
        List<String> purged = driver.purge(state.purged());
        appliedRevision = state.revision();
        purgedToReport.addAll(purged);
        changed();
    }

    /** What a report says: what runs, at which applied revision, and the purges done up to it. */
    record Observation(long revision, List<String> purges, ReportDelta.Observed observed) {}

    /**
     * What runs, with the revision applied and the purges done, taken together: no desired state is applied in between
     * ({@link #apply} holds the same monitor). An observation made after a newer revision was applied but sent with the
     * older one would tell the server that an instance the newer revision removed stopped before its removal was seen;
     * the server then waits for a later report to cover its removal, and a deletion waited for the next full report.
     */
    synchronized Observation observeAtAppliedRevision(boolean heartbeat, Set<String> trafficMoved) {
        return new Observation(appliedRevision, List.copyOf(purgedToReport), observe(heartbeat, trafficMoved));
    }

    private synchronized void purgesReported(List<String> uids) {
        uids.forEach(purgedToReport::remove);
    }

    private void changed() {
        changeLock.lock();
        try {
            changed = true;
            changeSignal.signalAll();
        } finally {
            changeLock.unlock();
        }
    }

    /**
     * Publishes routes and reports after each change (coalescing bursts): only the instances whose observation
     * changed since the last report and those stopped. At every heartbeat it looks at every instance (and reports, even
     * if nothing changed: the server counts the cell online by its reports); at every full report, after its start and
     * after a failed report, it lists them all.
     */
    private void reportLoop() {
        Map<String, ObservedInstance> reported = new HashMap<>();
        long lastFull = 0;
        long fullEvery = 0;
        long lastHeartbeat = 0;
        while (running) {
            try {
                boolean wasChanged;
                changeLock.lock();
                try {
                    if (!changed) changeSignal.await(TRAFFIC_CHECK.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
                    wasChanged = changed;
                    changed = false;
                } finally {
                    changeLock.unlock();
                }
                long now = System.nanoTime();
                boolean full = lastFull == 0 || now - lastFull >= fullEvery;
                boolean heartbeat = full || now - lastHeartbeat >= config.timing().heartbeat().toNanos();
                Set<String> trafficMoved = trafficMoved(reported);
                if (!wasChanged && !heartbeat && trafficMoved.isEmpty() && !driver.changesNoted()) continue;
                publishRoutes();
                Observation seen = observeAtAppliedRevision(heartbeat, trafficMoved);
                ReportDelta delta = ReportDelta.of(reported, seen.observed(), seen.purges(), full);
                if (delta.isEmpty() && !heartbeat) continue;
                try {
                    server.report(new CellReport(config.cell(), agentId, seen.revision(), full, delta.changed(), delta.removed()));
                } catch (IOException | RuntimeException e) {
                    lastFull = 0; // after a failed report, the next one says everything
                    throw e;
                }
                if (full) {
                    lastFull = now;
                    fullEvery = config.timing().nextFullReportNanos(java.util.concurrent.ThreadLocalRandom.current());
                }
                if (heartbeat) lastHeartbeat = now;
                purgesReported(seen.purges());
                delta.applyTo(reported);
                reportFailures.succeeded();
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                if (!running) return;
                reportFailures.failed("Cannot report to the server", e);
                changed();
                sleep(RETRY);
            }
        }
    }

    /**
     * What runs now, with the gateway's traffic: of every instance at a heartbeat or when the driver cannot say what
     * changed, else only of the instances the driver names as changed and those whose traffic moved.
     */
    private ReportDelta.Observed observe(boolean heartbeat, Set<String> trafficMoved) {
        dev.tenantry.agent.driver.ChangedInstances.Taken changes = driver.changes(); // taken first: a later change is seen next time
        Set<String> looked = null; // null: every instance
        if (!heartbeat && !changes.all()) {
            looked = new java.util.HashSet<>(changes.uids());
            looked.addAll(trafficMoved);
        }
        List<ObservedInstance> observed = (looked == null ? driver.observe() : driver.observe(looked)).stream()
                .map(o -> o.withTraffic(traffic.apply(o.instanceUid()))).toList();
        return new ReportDelta.Observed(observed, looked);
    }

    /** The reported instances the gateway routed a request to since their last report (a cheap check, every second). */
    private Set<String> trafficMoved(Map<String, ObservedInstance> reported) {
        Set<String> moved = new java.util.HashSet<>();
        reported.values().forEach(o -> {
            InstanceTraffic now = traffic.apply(o.instanceUid());
            if (now != null && (!Objects.equals(o.lastRequestAt(), now.lastRequestAt()) || !Objects.equals(o.traffic(), now.stats()))) {
                moved.add(o.instanceUid());
            }
        });
        return moved;
    }

    /** Pushes the driver's routes to the gateway if they changed: from the report loop, and at once when a replica drains. */
    private void publishRoutes() {
        routes.publish();
    }

    private void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Wake requests of a gateway in its own process: empty files named by instance uid in {@code wake/} of the
     * work directory (watched with inotify, and listed every second in case an event was missed).
     */
    private void wakeRequestLoop() {
        Path dir = config.workDir().resolve(Route.WAKE_DIR);
        try (WatchService watcher = dir.getFileSystem().newWatchService()) {
            Files.createDirectories(dir);
            dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE);
            while (running) {
                try (var requests = Files.list(dir)) {
                    for (Path request : requests.toList()) {
                        wake(request.getFileName().toString());
                        Files.deleteIfExists(request);
                    }
                }
                WatchKey key = watcher.poll(1, TimeUnit.SECONDS);
                if (key != null) {
                    key.pollEvents();
                    key.reset();
                }
            }
        } catch (InterruptedException | java.nio.file.ClosedWatchServiceException e) {
            // stopping
        } catch (IOException e) {
            log.warn("Wake requests in {} are not followed: {}", dir, e.getMessage());
        }
    }

    /** Whether it has applied a full desired state from the server since it started (before that it runs its cached one). */
    public boolean synced() {
        return synced;
    }

    /** The cell's per-instance metrics, collected when scraped. */
    public dev.tenantry.agent.metrics.CellMetrics metrics() {
        return new dev.tenantry.agent.metrics.CellMetrics(config.cell(), driver::running, traffic);
    }

    /** Wakes a hibernated instance of this cell at once, without the server: its gateway holds a request for it. */
    public void wake(String instanceUid) {
        if (driver.wake(instanceUid)) log.info("Waking instance {} for a request", instanceUid);
    }

    /** Stops polling and reporting, then stops every workload (dev mode: nothing is left running). */
    @Override
    public void close() {
        stopThreads();
        driver.close();
        routes.clear();
        routes.close();
    }

    /**
     * Stops polling and reporting and leaves every workload running: the next agent of the cell adopts them
     * without a restart (a standalone agent's shutdown, an upgrade of the agent).
     */
    public void detach() {
        stopThreads();
        driver.detach();
        routes.close();
    }

    private void stopThreads() {
        running = false;
        if (pollThread != null) pollThread.interrupt();
        if (reportThread != null) reportThread.interrupt();
        if (logShipper != null) logShipper.stop();
        usage.stop();
        if (wakeThread != null) wakeThread.interrupt();
        if (certificates != null) certificates.close();
    }
}
