package dev.tenantry.server.reconcile;

import dev.tenantry.api.blueprint.Migration;
import dev.tenantry.api.model.Release;
import dev.tenantry.server.domain.DatabaseService;
import dev.tenantry.server.signals.Signals;
import dev.tenantry.server.store.Leases;
import dev.tenantry.server.store.Store;
import dev.tenantry.server.store.Tx;
import dev.tenantry.server.tenantdb.BackupFiles;
import dev.tenantry.server.tenantdb.LogicalBackup;
import dev.tenantry.server.tenantdb.MigrationFailedException;
import dev.tenantry.server.tenantdb.ServerAccess;
import dev.tenantry.server.tenantdb.TenantDatabase;
import dev.tenantry.server.tenantdb.TenantDatabase.Progress;
import dev.tenantry.server.tenantdb.TenantDatabaseAdmin;
import dev.tenantry.server.tenantdb.TenantDatabaseTeardown;
import dev.tenantry.server.tenantdb.TenantMove;
import dev.tenantry.server.tenantdb.TenantMigrations;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Makes each instance's database what its row asks for, talking to the database server outside any transaction of
 * the control plane: reads the work (short transaction), provisions (idempotent), runs the migrations of the release the
 * instance needs, and stores the result (short transaction) — unless the row asked for another release meanwhile. A
 * server that cannot be reached fails the pass (retried with backoff); a failing migration is recorded as the release's
 * failure, which fails the instance's upgrade, and is not retried until another release is asked for.
 */
public final class DatabaseReconciler implements Reconciler {
    private final Store store;
    private final DatabaseService databases;
    private final BackupFiles backups;
    private final Signals signals;

    public DatabaseReconciler(Store store, DatabaseService databases, BackupFiles backups, Signals signals) {
        this.store = store;
        this.databases = databases;
        this.backups = backups;
        this.signals = signals;
    }

    /** A backup to load into the database once it is migrated. */
    private record Restore(String backupId, byte[] wrappedKey) {}

    /** {@code moveAccess}: the server of the location the database moves to (while moving), or of the one it moved from (until cleaned up). */
    private record Work(TenantDatabase db, ServerAccess access, String password, List<Migration> migrations, Restore restore,
                        ServerAccess moveAccess) {}

    @Override
    public boolean anyDue(Tx tx) {
        return !tx.leases(Leases.Table.DATABASES).due(1).isEmpty();
    }

    @Override
    public List<String> claimDue(Tx tx, String owner, Duration lease, int limit) {
        return tx.leases(Leases.Table.DATABASES).claimDue(owner, lease, limit);
    }

    @Override
    public boolean extendLease(Tx tx, String id, String owner, Duration lease) {
        return tx.leases(Leases.Table.DATABASES).extend(id, owner, lease);
    }

    @Override
    public int failed(Tx tx, String uid, String owner) {
        return tx.leases(Leases.Table.DATABASES).releaseAfterFailure(uid, owner, ReconcileBackoff::after);
    }

    @Override
    public void showFailure(Tx tx, String uid, String reason, int failures) {
        tx.tenantDatabases().showMessage(uid, failures + " attempt(s) in a row failed: " + reason + "; the next in "
                + ReconcileBackoff.after(failures).toSeconds() + " s");
    }

    @Override
    public Duration reconcile(String uid, String owner) {
        Work work = store.tx(tx -> read(tx, uid));
        if (work == null) {
            store.run(tx -> tx.leases(Leases.Table.DATABASES).release(uid, owner, null));
            return null;
        }
        TenantDatabase db = work.db();
        if (db.dropRequested()) {
            if (db.move().from() != null) drop(work.moveAccess(), db.move().from());
            drop(work.access(), db.location());
            List<String> backupIds = store.tx(tx -> tx.backups().ofInstance(uid)).stream().map(dev.tenantry.api.model.Backup::id).toList();
            for (String id : backupIds) deleteBackupFile(id);
            finish(uid, owner, tx -> {
                tx.backups().delete(backupIds);
                tx.tenantDatabases().markDropped(uid);
                tx.events().append("database.dropped", "instances/" + uid + "/database", db.tenant(), Map.of("instance", uid));
            });
            return null;
        }
        if (db.move().moving()) {
            move(work, uid, owner);
            return null;
        }
        if (db.move().cleanupRequested()) cleanUpAfterMove(work, uid);
        TenantDatabaseAdmin.provision(work.access(), db.location(), db.login(), work.password());
        if (db.logins().retireRequested()) {
            int current = db.logins().current();
            int dropped = TenantDatabaseTeardown.retireLogins(work.access(), db.location(), current);
            store.run(tx -> {
                tx.tenantDatabases().loginsRetired(uid, current);
                tx.events().append("database.logins-retired", "instances/" + uid + "/database", db.tenant(),
                        Map.of("instance", uid, "dropped", dropped, "current", db.login()));
            });
        }
        String release = db.progress().desiredRelease();
        Progress result = migrate(work, release);
        String restoreError = result.state() == TenantDatabase.State.ready && work.restore() != null ? restore(work) : null;
        finish(uid, owner, tx -> {
            if (!tx.tenantDatabases().saveProgress(uid, release, result)) return;
            String event = result.state() == TenantDatabase.State.ready ? "database.migrated" : "database.migration-failed";
            tx.events().append(event, "instances/" + uid + "/database", db.tenant(), Map.of("instance", uid, "release", release,
                    "message", result.message()));
            if (work.restore() == null || result.state() != TenantDatabase.State.ready) return;
            String backup = work.restore().backupId();
            if (restoreError == null) {
                tx.backups().restoreDone(uid);
                tx.events().append("database.restored", "instances/" + uid + "/database", db.tenant(), Map.of("instance", uid, "backup", backup));
            } else {
                tx.backups().restoreFailed(uid, "restoring backup " + backup + " failed: " + restoreError);
            }
        });
        return null;
    }

    /**
     * Moves the database to the location its row names: makes it there and migrates it, cuts the workload off the old
     * location, copies the data, gives the login the new location's settings, and switches the row (the instance then
     * renders with it). A failure gives the old location back and removes what was made; a crash repeats it all.
     */
    private void move(Work work, String uid, String owner) {
        TenantDatabase db = work.db();
        TenantDatabase.Location from = db.location();
        TenantDatabase.Location to = db.move().to();
        LogicalBackup.Summary copied;
        try {
            TenantDatabaseAdmin.provisionObjects(work.moveAccess(), to);
            TenantMigrations.migrate(work.moveAccess(), to, work.migrations());
            TenantDatabaseTeardown.cutAccess(work.access(), from);
            copied = TenantMove.copy(work.access(), from, work.moveAccess(), to, uid);
            TenantDatabaseAdmin.configureLogin(work.moveAccess(), to, db.login(), work.password());
        } catch (MigrationFailedException | LogicalBackup.RestoreRefusedException | IllegalStateException e) {
            TenantDatabaseTeardown.restoreAccess(work.access(), from);
            if (from.server().equals(to.server())) TenantDatabaseTeardown.dropData(work.moveAccess(), to);
            else drop(work.moveAccess(), to);
            finish(uid, owner, tx -> tx.tenantDatabases().moveFailed(uid, "moving to the " + to.isolation() + " model failed (the database stays "
                    + from.isolation() + "): " + e.getMessage()));
            return;
        }
        finish(uid, owner, tx -> {
            tx.tenantDatabases().moved(uid, from, to, "moved from the " + from.isolation() + " model to the " + to.isolation() + " model ("
                    + copied.rows() + " rows of " + copied.tables() + " tables); ready for release " + db.progress().appliedRelease());
            tx.events().append("database.moved", "instances/" + uid + "/database", db.tenant(), Map.of("instance", uid, "from", from.isolation().name(),
                    "to", to.isolation().name(), "rows", copied.rows()));
        });
    }

    /** The old location of a moved database goes (on another server, with the tenant's roles there). */
    private void cleanUpAfterMove(Work work, String uid) {
        TenantDatabase.Location from = work.db().move().from();
        if (from != null) {
            if (from.server().equals(work.db().location().server())) TenantDatabaseTeardown.dropData(work.moveAccess(), from);
            else drop(work.moveAccess(), from);
        }
        store.run(tx -> tx.tenantDatabases().cleanedUp(uid));
    }

    /**
     * Drops what the tenant has in a location with its roles; an own server (dedicated model) goes as a whole instead:
     * the agent stops it and removes its data directory.
     */
    private void drop(ServerAccess access, TenantDatabase.Location location) {
        if (location.isolation() != dev.tenantry.api.model.DatabaseIsolation.dedicated) {
            TenantDatabaseTeardown.drop(access, location);
            return;
        }
        if (store.tx(tx -> DedicatedServerSteps.remove(tx, location.server()))) signals.fire(Signals.Topic.CELLS);
    }

    private void deleteBackupFile(String id) {
        try {
            backups.delete(id);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("deleting backup " + id, e);
        }
    }

    /** Loads the backup; null when it went in, else why not (the data is then as it was). */
    private String restore(Work work) {
        try {
            backups.restore(work.restore().backupId(), work.restore().wrappedKey(), work.access(), work.db().location());
            return null;
        } catch (LogicalBackup.RestoreRefusedException | IllegalStateException e) {
            return e.getMessage();
        } catch (java.io.IOException e) {
            return "the backup cannot be read: " + e;
        }
    }

    private Work read(Tx tx, String uid) {
        TenantDatabase db = tx.tenantDatabases().get(uid).orElse(null);
        if (db == null || db.progress().state() == TenantDatabase.State.dropped) return null;
        ServerAccess access = access(tx, db.location());
        String password = db.dropRequested() ? null : databases.loginPassword(tx, uid);
        List<Migration> migrations = tx.catalog().release(db.service(), db.progress().desiredRelease()).map(Release::blueprint)
                .filter(b -> b.hasDatabase()).map(b -> b.database().migrations()).orElse(List.of());
        Restore restore = tx.backups().restore(uid).filter(r -> r.error() == null)
                .map(r -> new Restore(r.backupId(), tx.backups().stored(r.backupId()).map(b -> b.wrappedKey()).orElse(null))).orElse(null);
        TenantDatabase.Move move = db.move();
        ServerAccess moveAccess = move.moving() ? access(tx, move.to()) : move.from() != null ? access(tx, move.from()) : null;
        return new Work(db, access, password, migrations, restore, moveAccess);
    }

    /** How to reach the location's server; null for an own server (dedicated model) the agent has removed already. */
    private ServerAccess access(Tx tx, TenantDatabase.Location location) {
        boolean removed = location.isolation() == dev.tenantry.api.model.DatabaseIsolation.dedicated
                && (location.server() == null || tx.databaseServers().get(location.server()).isEmpty());
        return removed ? null : databases.access(tx, location.server());
    }

    private static Progress migrate(Work work, String release) {
        TenantDatabase db = work.db();
        try {
            List<dev.tenantry.api.model.InstanceDatabase.AppliedMigration> applied = TenantMigrations.migrate(work.access(), db.location(), work.migrations());
            String latest = applied.isEmpty() ? "no migrations" : "at version " + applied.getLast().version();
            return new Progress(release, release, null, applied, TenantDatabase.State.ready, "ready for release " + release + " (" + latest + ")");
        } catch (MigrationFailedException e) {
            return new Progress(release, db.progress().appliedRelease(), release, e.applied(), TenantDatabase.State.failed,
                    "the migrations of release " + release + " failed: " + e.getMessage());
        }
    }

    /** Writes the result, gives the lease back, and has the instance take the next step. */
    private void finish(String uid, String owner, java.util.function.Consumer<Tx> write) {
        store.run(tx -> {
            write.accept(tx);
            tx.instances().requestReconcile(uid);
            tx.leases(Leases.Table.DATABASES).release(uid, owner, null);
        });
        signals.fire(Signals.Topic.RECONCILE);
        signals.fire(Signals.Topic.EVENTS);
    }
}
