package dev.tenantry.app;

import dev.tenantry.server.ServerTuning;
import java.time.Duration;
import picocli.CommandLine.Option;

/** A server replica's operational settings ({@link ServerTuning}), as options of {@code tenantry server}. */
final class TuningOptions {
    @Option(names = "--db-pool-size", paramLabel = "N", defaultValue = "" + ServerTuning.DEFAULT_DATABASE_POOL,
            description = "Connections to PostgreSQL this replica keeps at most (default: ${DEFAULT-VALUE})")
    int databasePool;

    @Option(names = "--reconcile-lease-seconds", paramLabel = "SECONDS", defaultValue = "30",
            description = "How long a worker's claim on an object holds without its heartbeat; after a crash, work resumes this long after"
                    + " (default: ${DEFAULT-VALUE})")
    int leaseSeconds;

    @Option(names = "--reconcile-batch", paramLabel = "N", defaultValue = "" + ServerTuning.DEFAULT_CLAIM_BATCH,
            description = "Objects a reconcile worker claims at a time (default: ${DEFAULT-VALUE})")
    int claimBatch;

    @Option(names = "--cell-online-seconds", paramLabel = "SECONDS", defaultValue = "45",
            description = "A cell is online while its agent's last report is younger than this (default: ${DEFAULT-VALUE})")
    int cellOnlineSeconds;

    @Option(names = "--token-cache-seconds", paramLabel = "SECONDS", defaultValue = "5",
            description = "How long a checked API token is trusted without a lookup (a revoked one works at most this long on other"
                    + " replicas; default: ${DEFAULT-VALUE})")
    int tokenCacheSeconds;

    @Option(names = "--resync-minutes", paramLabel = "MINUTES", defaultValue = "60",
            description = "How often a settled instance gets a reconcile pass though nothing asked for one: a safety net, every change"
                    + " asks for its own pass at once (default: ${DEFAULT-VALUE})")
    int resyncMinutes;

    @Option(names = "--create-batch", paramLabel = "N", defaultValue = "" + ServerTuning.DEFAULT_CREATE_BATCH,
            description = "Instance creates that arrive while others are written share a transaction, up to this many (1: each its own;"
                    + " default: ${DEFAULT-VALUE})")
    int createBatch;

    ServerTuning toTuning() {
        within("--db-pool-size", databasePool, 2, 1000);
        within("--reconcile-lease-seconds", leaseSeconds, 1, 3600);
        within("--reconcile-batch", claimBatch, 1, 1000);
        within("--cell-online-seconds", cellOnlineSeconds, 1, 3600);
        within("--token-cache-seconds", tokenCacheSeconds, 0, 3600);
        within("--resync-minutes", resyncMinutes, 1, 24 * 60);
        within("--create-batch", createBatch, 1, 1000);
        return new ServerTuning(databasePool, Duration.ofSeconds(leaseSeconds), claimBatch, Duration.ofSeconds(cellOnlineSeconds),
                Duration.ofSeconds(tokenCacheSeconds), Duration.ofMinutes(resyncMinutes), createBatch);
    }

    private static void within(String option, int value, int min, int max) {
        if (value < min || value > max) throw new IllegalArgumentException(option + " must be between " + min + " and " + max + ", not " + value);
    }
}
