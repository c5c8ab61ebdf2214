package dev.tenantry.agent.driver;

import java.time.Duration;

/**
 * How the process driver runs workloads. {@code workloadNice} is the CPU niceness (0-19) of every
 * workload process: the agent and gateway (and, in dev mode, the server) keep priority over tenant
 * workloads, so that a cell busy starting many instances still answers, routes and reports at once.
 */
public record DriverSettings(Duration stopGrace, int workloadNice) {
    public static final DriverSettings DEFAULT = new DriverSettings(Duration.ofSeconds(10), 10);

    public DriverSettings {
        if (workloadNice < 0 || workloadNice > 19) throw new IllegalArgumentException("workload niceness must be between 0 and 19");
    }
}
