package dev.tenantry.bench;

import dev.tenantry.agent.Agent;
import dev.tenantry.agent.driver.DriverSettings;
import dev.tenantry.agent.driver.HollowDriver;
import dev.tenantry.api.cell.CellRegistration;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Cells served by real agents in this JVM whose driver is hollow (simulated replicas, healthy after a delay): each
 * agent long-polls, caches, reports and sends usage to the server over HTTP as a standalone agent does.
 */
final class HollowCells implements AutoCloseable {
    private final ScaleServer server;
    private final Path workDir;
    private final int capacity;
    private final List<String> ids = new ArrayList<>();
    private final Map<String, String> tokens = new ConcurrentHashMap<>();
    private final Map<Path, HollowDriver.Machine> machines = new ConcurrentHashMap<>();
    private final Map<String, Agent> agents = new ConcurrentHashMap<>();
    private final dev.tenantry.agent.driver.Driver.Factory drivers;

    HollowCells(ScaleServer server, Path workDir, int cells, int capacity, Duration healthyAfter) {
        this.server = server;
        this.workDir = workDir;
        this.capacity = capacity;
        this.drivers = HollowDriver.factory(healthyAfter, machines);
        for (int i = 0; i < cells; i++) ids.add(String.format("hollow-%04d", i));
    }

    List<String> ids() {
        return ids;
    }

    /** Gives each cell an agent token and starts its agent, all at once. */
    void start() throws Exception {
        BenchPlane.concurrently(Math.min(16, ids.size()), i -> {
            for (int c = i; c < ids.size(); c += Math.min(16, ids.size())) {
                String cell = ids.get(c);
                tokens.put(cell, server.call("POST", "/v1/tokens", Map.of("name", cell + " agent", "role", "agent", "cell", cell)).path("secret").asText());
            }
            return 0L;
        });
        startAgents();
    }

    private void startAgents() throws Exception {
        BenchPlane.concurrently(Math.min(32, ids.size()), i -> {
            for (int c = i; c < ids.size(); c += Math.min(32, ids.size())) agents.put(ids.get(c), agent(ids.get(c)).start());
            return 0L;
        });
    }

    private Agent agent(String cell) {
        CellRegistration registration = new CellRegistration("bench", "hollow", capacity, "hollow.test", "http://{host}/");
        Agent.Config config = new Agent.Config(server.url, tokens.get(cell), cell, registration, workDir.resolve(cell), DriverSettings.DEFAULT);
        return new Agent(config, routes -> { }, uid -> null, null, Clock.systemUTC(), drivers);
    }

    /** Every agent stops, leaving what runs to the next, and a new agent starts for every cell at once. */
    void restartAll() throws Exception {
        agents.values().parallelStream().forEach(Agent::detach);
        agents.clear();
        startAgents();
    }

    /** Whether every agent has the server's full desired state since it started. */
    boolean allSynced() {
        return agents.size() == ids.size() && agents.values().stream().allMatch(Agent::synced);
    }

    /** How many instances the simulated machines run now. */
    long running() {
        return machines.values().stream().mapToLong(HollowDriver.Machine::size).sum();
    }

    @Override
    public void close() {
        agents.values().parallelStream().forEach(Agent::close);
        agents.clear();
    }
}
