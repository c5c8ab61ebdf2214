package dev.tenantry.api.cell;

import java.time.Instant;
import java.util.List;

/**
 * What a cell's instances used from {@code from} to {@code to}, measured by its agent's meter {@code meterId} and
 * numbered {@code seq} (the server records each (cell, meter, seq) once, so a report sent twice counts once).
 * {@code estimated}: the agent was not running for part of the interval (it restarted): CPU is exact (the processes'
 * counters), time, memory and storage are interpolated between its two ends.
 */
public record UsageReport(String meterId, long seq, Instant from, Instant to, boolean estimated, List<InstanceUsage> instances) {
    public UsageReport {
        instances = instances == null ? List.of() : List.copyOf(instances);
    }

    /**
     * One instance's use in the interval: seconds it ran (with at least one replica), its replicas' CPU seconds, their
     * resident memory in GB-seconds, requests and body bytes through the gateway, and its data directory in GB-seconds.
     */
    public record InstanceUsage(String instanceUid, double runningSeconds, double cpuSeconds, double memoryGbSeconds, long requests,
                                long bytesIn, long bytesOut, double storageGbSeconds) {}
}
