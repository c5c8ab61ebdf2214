package dev.tenantry.server;

import java.time.Duration;

/**
 * A server replica's operational settings, each with its documented default (docs/operations.md, Tuning).
 *
 * @param databasePool     connections to PostgreSQL this replica keeps at most (default {@value #DEFAULT_DATABASE_POOL})
 * @param lease            how long a reconcile worker's claim on an object holds without its heartbeat (renewed every third
 *                         of it while a pass runs; after a crash the object is taken up again this long after; default 30 s)
 * @param claimBatch       objects a reconcile worker claims at a time (default {@value #DEFAULT_CLAIM_BATCH})
 * @param cellOnlineWindow a cell is online while its agent's last report is younger than this (default 45 s: four
 *                         missed heartbeats of 10 s)
 * @param tokenCache       how long a checked API token is trusted without looking it up again (a revoked token works at
 *                         most this long after; default 5 s)
 * @param resync           how often a settled instance gets a reconcile pass though nothing asked for one (every change
 *                         asks for its own at once: this is a safety net, and each pass costs the database, so 100,000
 *                         instances at 30 s would be 3,300 passes a second; default 60 min, each spread by up to a tenth)
 * @param createBatch      instance creates that arrive while others are written share a transaction, up to this many (one
 *                         commit for a burst of creates instead of one each; 1: each create its own; default
 *                         {@value #DEFAULT_CREATE_BATCH})
 */
public record ServerTuning(int databasePool, Duration lease, int claimBatch, Duration cellOnlineWindow, Duration tokenCache, Duration resync,
                           int createBatch) {
    public static final int DEFAULT_DATABASE_POOL = dev.tenantry.server.store.Database.DEFAULT_POOL;
    public static final int DEFAULT_CLAIM_BATCH = 8;
    public static final int DEFAULT_CREATE_BATCH = dev.tenantry.server.domain.InstanceService.DEFAULT_CREATE_BATCH;
    public static final ServerTuning DEFAULT = new ServerTuning(DEFAULT_DATABASE_POOL, dev.tenantry.server.reconcile.ReconcileLoop.DEFAULT_LEASE, DEFAULT_CLAIM_BATCH,
            dev.tenantry.server.store.Store.DEFAULT_CELL_ONLINE_WINDOW, Duration.ofSeconds(5), dev.tenantry.server.reconcile.InstanceReconciler.DEFAULT_RESYNC,
            DEFAULT_CREATE_BATCH);

    public ServerTuning {
        if (databasePool < 2 || databasePool > 1000) throw new IllegalArgumentException("databasePool must be between 2 and 1000, not " + databasePool);
        if (claimBatch < 1 || claimBatch > 1000) throw new IllegalArgumentException("claimBatch must be between 1 and 1000, not " + claimBatch);
        if (createBatch < 1 || createBatch > 1000) throw new IllegalArgumentException("createBatch must be between 1 and 1000, not " + createBatch);
        positive("lease", lease);
        positive("cellOnlineWindow", cellOnlineWindow);
        positive("resync", resync);
        if (tokenCache == null || tokenCache.isNegative()) throw new IllegalArgumentException("tokenCache must not be negative, not " + tokenCache);
    }

    private static void positive(String name, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) throw new IllegalArgumentException(name + " must be positive, not " + d);
    }
}
