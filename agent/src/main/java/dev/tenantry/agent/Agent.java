package dev.tenantry.agent;

import dev.tenantry.agent.driver.DriverSettings;
import dev.tenantry.agent.driver.ProcessDriver;
import dev.tenantry.api.cell.CellDesiredState;
import dev.tenantry.api.cell.CellRegistration;
import dev.tenantry.api.cell.CellReport;
import dev.tenantry.api.cell.ObservedInstance;
import dev.tenantry.api.cell.Route;
import dev.tenantry.api.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent of one cell. It long-polls the server for the cell's desired state (outbound only), caches
 * it on disk, drives the process driver to match it, pushes routes to the gateway, and reports what
 * runs after every change and as a heartbeat.
 */
public final class Agent implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Agent.class);
    private static final Duration LONG_POLL = Duration.ofSeconds(25);
    private static final Duration HEARTBEAT = Duration.ofSeconds(10);
    private static final Duration RETRY = Duration.ofSeconds(1);

    public record Config(String serverUrl, String token, String cell, CellRegistration registration, Path workDir, DriverSettings driver) {}

    private final Config config;
    private final ServerClient server;
    private final DesiredStateCache cache;
    private final ProcessDriver driver;
    private final Consumer<List<Route>> routeSink;
    private final String agentId = "agent-" + UUID.randomUUID().toString().substring(0, 8);
    private final Object changeLock = new Object();
    private volatile boolean running = true;
    private volatile long appliedRevision = -1;
    private boolean changed = true;
    private Thread pollThread;
    private Thread reportThread;
    private volatile String lastRoutes = "";

    public Agent(Config config, Consumer<List<Route>> routeSink) {
        this.config = config;
        this.server = new ServerClient(config.serverUrl(), config.token(), config.cell());
        this.cache = new DesiredStateCache(config.workDir());
        this.driver = new ProcessDriver(config.workDir(), config.driver(), this::changed);
        this.routeSink = routeSink;
    }

    public Agent start() throws IOException {
        driver.stopLeftovers();
        cache.load().ifPresent(state -> {
            log.info("Starting the cached desired state of cell {} (revision {}) before reaching the server", state.cell(), state.revision());
            apply(state);
        });
        boolean registered = register();
        pollThread = Thread.ofPlatform().name("agent-poll").daemon().start(() -> pollLoop(registered));
        reportThread = Thread.ofPlatform().name("agent-report").daemon().start(this::reportLoop);
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
                CellDesiredState state = server.awaitDesired(appliedRevision, LONG_POLL);
                if (state.revision() != appliedRevision) {
                    cache.save(state);
                    apply(state);
                }
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                if (!running) return;
                log.debug("Cannot reach the server for the desired state: {}", e.toString());
                sleep(RETRY);
            }
        }
    }

    private synchronized void apply(CellDesiredState state) {
        driver.apply(state.deployments());
        appliedRevision = state.revision();
        changed();
    }

    private void changed() {
        synchronized (changeLock) {
            changed = true;
            changeLock.notifyAll();
        }
    }

    /** Publishes routes and reports after each change (coalescing bursts), and every heartbeat interval. */
    private void reportLoop() {
        while (running) {
            try {
                synchronized (changeLock) {
                    if (!changed) changeLock.wait(HEARTBEAT.toMillis());
                    changed = false;
                }
                publishRoutes();
                List<ObservedInstance> observed = driver.observe();
                server.report(new CellReport(config.cell(), agentId, appliedRevision, observed));
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                if (!running) return;
                log.debug("Cannot report to the server: {}", e.toString());
                changed();
                sleep(RETRY);
            }
        }
    }

    private void publishRoutes() {
        List<Route> routes = driver.routes();
        String text = Json.write(routes);
        if (!text.equals(lastRoutes)) {
            routeSink.accept(routes);
            lastRoutes = text;
        }
    }

    public long appliedRevision() {
        return appliedRevision;
    }

    public java.util.Set<Long> workloadPids() {
        return driver.pids();
    }

    private void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops polling and reporting, then stops every workload. */
    @Override
    public void close() {
        running = false;
        if (pollThread != null) pollThread.interrupt();
        if (reportThread != null) reportThread.interrupt();
        driver.close();
        routeSink.accept(List.of());
    }
}
