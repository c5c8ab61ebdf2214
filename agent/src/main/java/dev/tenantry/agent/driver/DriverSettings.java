package dev.tenantry.agent.driver;

import java.time.Duration;

/**
 * How the process driver runs workloads. {@code stopGrace} is the time between SIGTERM and SIGKILL.
 * {@code workloadNice} is the CPU niceness (0-19) of every workload process: the agent and gateway (and,
 * in dev mode, the server) keep priority over tenant workloads, so that a cell busy starting many
 * instances still answers, routes and reports at once. {@code drainDelay} is how long a replica that
 * left the routes keeps running before it is stopped, so that requests the gateway already sent it finish.
 * {@code startConcurrency} is how many replicas may be starting at once (0: no limit), each for at most
 * {@code startSlotHold} (see {@link StartSlots}). {@code enforceSizes}: replicas' sizes become kernel limits where the
 * host allows it (see {@link CgroupLimits}); on by default. {@code postgresBin}: the directory of the PostgreSQL
 * binaries ({@code initdb}, {@code postgres}) that dedicated database servers run ({@code {{postgres.bin}}}); null: this
 * cell runs none. {@code replicaLogBytes}: the size past which a replica's log is rotated (see {@link LogRotation}).
 * {@code usageInterval}: how often the agent meters its instances' usage (default a minute).
 */
public record DriverSettings(Duration stopGrace, int workloadNice, Duration drainDelay, int startConcurrency, Duration startSlotHold,
                             boolean enforceSizes, java.nio.file.Path postgresBin, long replicaLogBytes, Duration usageInterval) {
    public static final Duration DEFAULT_DRAIN_DELAY = Duration.ofMillis(300);
    public static final Duration DEFAULT_START_SLOT_HOLD = Duration.ofSeconds(5);
    /** Declared before {@link #DEFAULT}, which needs it. */
    public static final Duration DEFAULT_USAGE_INTERVAL = Duration.ofMinutes(1);
    public static final DriverSettings DEFAULT = new DriverSettings(Duration.ofSeconds(10), 10);
    public static final long DEFAULT_REPLICA_LOG_BYTES = 10L * 1024 * 1024;

    public DriverSettings {
        if (workloadNice < 0 || workloadNice > 19) throw new IllegalArgumentException("workload niceness must be between 0 and 19");
        if (drainDelay == null || drainDelay.isNegative()) throw new IllegalArgumentException("drain delay must be zero or more");
        if (startConcurrency < 0) throw new IllegalArgumentException("start concurrency must be zero (no limit) or more");
        if (startSlotHold == null || startSlotHold.isNegative()) throw new IllegalArgumentException("start slot hold must be zero or more");
        if (replicaLogBytes < 4096) throw new IllegalArgumentException("a replica's log must be allowed at least 4 KiB");
        if (usageInterval == null || usageInterval.toMillis() < 100) throw new IllegalArgumentException("the usage interval must be at least 100 ms");
    }

    public DriverSettings(Duration stopGrace, int workloadNice, Duration drainDelay, int startConcurrency, Duration startSlotHold,
                          boolean enforceSizes) {
        this(stopGrace, workloadNice, drainDelay, startConcurrency, startSlotHold, enforceSizes, null, DEFAULT_REPLICA_LOG_BYTES, DEFAULT_USAGE_INTERVAL);
    }

    public DriverSettings(Duration stopGrace, int workloadNice, Duration drainDelay) {
        this(stopGrace, workloadNice, drainDelay, defaultStartConcurrency(), DEFAULT_START_SLOT_HOLD, true);
    }

    public DriverSettings(Duration stopGrace, int workloadNice) {
        this(stopGrace, workloadNice, DEFAULT_DRAIN_DELAY);
    }

    /** The same settings with another start concurrency (0: no limit; null: these settings' own). */
    public DriverSettings withStartConcurrency(Integer concurrency) {
        return concurrency == null ? this : new DriverSettings(stopGrace, workloadNice, drainDelay, concurrency, startSlotHold, enforceSizes,
                postgresBin, replicaLogBytes, usageInterval);
    }

    /** The same settings with sizes enforced as kernel limits or not. */
    public DriverSettings withEnforcedSizes(boolean enforce) {
        return new DriverSettings(stopGrace, workloadNice, drainDelay, startConcurrency, startSlotHold, enforce, postgresBin, replicaLogBytes,
                usageInterval);
    }

    /** The same settings running dedicated database servers with the PostgreSQL binaries in {@code bin}. */
    public DriverSettings withPostgresBin(java.nio.file.Path bin) {
        return new DriverSettings(stopGrace, workloadNice, drainDelay, startConcurrency, startSlotHold, enforceSizes, bin, replicaLogBytes, usageInterval);
    }

    /** The same settings rotating replicas' logs past {@code bytes}. */
    public DriverSettings withReplicaLogBytes(long bytes) {
        return new DriverSettings(stopGrace, workloadNice, drainDelay, startConcurrency, startSlotHold, enforceSizes, postgresBin, bytes, usageInterval);
    }

    /** The same settings metering usage every {@code interval}. */
    public DriverSettings withUsageInterval(Duration interval) {
        return new DriverSettings(stopGrace, workloadNice, drainDelay, startConcurrency, startSlotHold, enforceSizes, postgresBin, replicaLogBytes,
                interval);
    }

    /** One starting replica per core of the machine. */
    public static int defaultStartConcurrency() {
        return Runtime.getRuntime().availableProcessors();
    }
}
