package dev.tenantry.server;

import java.nio.file.Path;

/**
 * How a server replica works on tenant databases. {@code workers}: databases provisioned, migrated, restored or dropped
 * at a time (a rollout's migrations run at most this many at a time, whatever its maxParallel; default
 * {@value #DEFAULT_WORKERS}); {@code backupWorkers}: backups taken at a time (default {@value #DEFAULT_BACKUP_WORKERS});
 * {@code backupDirectory}: where the encrypted backups are kept (default {@code ./backups}); {@code lease}: how long a
 * worker's claim on a database or backup holds without its heartbeat (renewed every third of it while the work runs;
 * after a crash, the work is taken up again this long after; default 30 s).
 */
public record TenantDataSettings(int workers, int backupWorkers, Path backupDirectory, java.time.Duration lease) {
    public static final int DEFAULT_WORKERS = 20;
    public static final int DEFAULT_BACKUP_WORKERS = 2;
    public static final TenantDataSettings DEFAULT = new TenantDataSettings(0, 0, null, null);

    public TenantDataSettings {
        workers = workers <= 0 ? DEFAULT_WORKERS : workers;
        backupWorkers = backupWorkers <= 0 ? DEFAULT_BACKUP_WORKERS : backupWorkers;
        backupDirectory = backupDirectory == null ? Path.of("backups").toAbsolutePath() : backupDirectory.toAbsolutePath();
        lease = lease == null ? dev.tenantry.server.reconcile.ReconcileLoop.DEFAULT_LEASE : lease;
    }

    public TenantDataSettings(int workers, int backupWorkers, Path backupDirectory) {
        this(workers, backupWorkers, backupDirectory, null);
    }

    public TenantDataSettings withLease(java.time.Duration newLease) {
        return new TenantDataSettings(workers, backupWorkers, backupDirectory, newLease);
    }

    public static TenantDataSettings backupsIn(Path directory) {
        return new TenantDataSettings(0, 0, directory, null);
    }
}
