package dev.tenantry.server.reconcile;

import dev.tenantry.api.model.Cell;
import dev.tenantry.api.model.Condition;
import dev.tenantry.api.model.DatabaseIsolation;
import dev.tenantry.api.model.DatabaseServer;
import dev.tenantry.api.model.Plan;
import dev.tenantry.api.model.PlanDatabase;
import dev.tenantry.api.model.Release;
import dev.tenantry.server.domain.DatabaseService;
import dev.tenantry.server.store.InstanceRecord;
import dev.tenantry.server.tenantdb.DatabaseNames;
import dev.tenantry.server.tenantdb.TenantDatabase;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The instance reconciler's steps for its database: place it on a server of the cell's region, then wait until the
 * database workers made it and ran the migrations of the release the instance moves to (before that release is
 * rendered, so that it takes traffic only on a migrated database); on purge, wait until it is dropped.
 */
final class DatabaseSteps {
    static final String STEP = "database";
    private static final Duration NO_SERVER_RECHECK = Duration.ofSeconds(5);
    private static final Duration WORKER_RECHECK = Duration.ofSeconds(10);

    private DatabaseSteps() {}

    /** For a release that declares a database. */
    static Outcome ensureReady(InstancePass pass, Release release, Plan plan, DatabaseService databases) {
        InstanceRecord i = pass.instance;
        Optional<TenantDatabase> found = pass.tx.tenantDatabases().get(i.uid());
        if (found.isEmpty()) {
            if (PlanDatabase.isolationOf(plan) == DatabaseIsolation.dedicated) {
                Outcome server = DedicatedServerSteps.ensureRunning(pass, databases);
                if (server != null) return server;
            }
            return place(pass, release, plan);
        }
        TenantDatabase.Progress progress = found.get().progress();
        if (found.get().location().isolation() == DatabaseIsolation.dedicated) DedicatedServerSteps.followAddress(pass);
        Outcome move = ensureModel(pass, found.get(), plan, databases);
        if (move != null) return move;
        Optional<dev.tenantry.server.store.BackupRepository.Restore> restore = pass.tx.backups().restore(i.uid());
        if (restore.isPresent() && restore.get().error() != null) {
            pass.tx.backups().restoreDone(i.uid());
            return Outcome.failed(restore.get().error());
        }
        if (restore.isPresent() && progress.readyFor(release.version())) {
            pass.stepRunning(STEP, "loading backup " + restore.get().backupId());
            return Outcome.waiting("restore", WORKER_RECHECK);
        }
        if (progress.readyFor(release.version())) {
            pass.stepDone(STEP, progress.message());
            return Outcome.DONE;
        }
        if (progress.failedFor(release.version())) return Outcome.failed(progress.message());
        if (!release.version().equals(progress.desiredRelease())) {
            pass.tx.tenantDatabases().requestRelease(i.uid(), release.version());
            pass.databasesChanged();
            pass.stepRunning(STEP, "running the migrations of release " + release.version());
        } else {
            pass.stepRunning(STEP, progress.message());
        }
        return Outcome.waiting("database", WORKER_RECHECK);
    }

    private static Outcome place(InstancePass pass, Release release, Plan plan) {
        InstanceRecord i = pass.instance;
        DatabaseIsolation isolation = PlanDatabase.isolationOf(plan);
        Cell cell = pass.tx.cells().get(i.cell()).orElseThrow();
        String server = chooseServer(pass, i.spec().service(), isolation, cell);
        if (server == null) {
            String reason = "no database server in region " + cell.region() + " has room (register one: POST /v1/database-servers)";
            pass.condition("DatabasePlaced", Condition.Status.False, "NoDatabaseServer", reason);
            pass.stepRunning(STEP, "waiting: " + reason);
            return Outcome.waiting("no database server", NO_SERVER_RECHECK);
        }
        TenantDatabase.Location location = DatabaseNames.locate(isolation, server, i.spec().service(), i.uid());
        pass.tx.tenantDatabases().insert(new TenantDatabase(i.uid(), i.tenant(), i.spec().service(), location, TenantDatabase.Logins.FIRST,
                TenantDatabase.Progress.provisioning(release.version()), TenantDatabase.Move.NONE, false, pass.now));
        pass.databasesChanged();
        pass.condition("DatabasePlaced", Condition.Status.True, "Placed", isolation + " database on server " + server);
        pass.stepRunning(STEP, "creating " + describe(location) + " on server " + server);
        pass.audit("instance.database-place", "success", isolation + " database " + location.database() + " on server " + server);
        return Outcome.waiting("database", WORKER_RECHECK);
    }

    /**
     * The database in the model its plan asks for: when the plan changed to another model, the database moves (the
     * workers copy it and switch; its workload is cut off it for the copy); null when it is in that model.
     */
    private static Outcome ensureModel(InstancePass pass, TenantDatabase db, Plan plan, DatabaseService databases) {
        DatabaseIsolation wanted = PlanDatabase.isolationOf(plan);
        DatabaseIsolation current = db.location().isolation();
        if (db.move().moving()) {
            pass.stepRunning(STEP, db.progress().message());
            return Outcome.waiting("database move", WORKER_RECHECK);
        }
        if (wanted == current) return null;
        if (wanted == db.move().failedTo()) return Outcome.failed(db.progress().message());
        if (db.progress().state() != TenantDatabase.State.ready) {
            pass.stepRunning(STEP, db.progress().message());
            return Outcome.waiting("database busy", WORKER_RECHECK);
        }
        if (wanted == DatabaseIsolation.dedicated) {
            Outcome server = DedicatedServerSteps.ensureRunning(pass, databases);
            if (server != null) return server;
        }
        Cell cell = pass.tx.cells().get(pass.instance.cell()).orElseThrow();
        String server = chooseServer(pass, db.service(), wanted, cell);
        if (server == null) {
            String reason = "no database server in region " + cell.region() + " has room for the move to the " + wanted + " model";
            pass.stepRunning(STEP, "waiting: " + reason);
            return Outcome.waiting("no database server", NO_SERVER_RECHECK);
        }
        TenantDatabase.Location to = DatabaseNames.locate(wanted, server, db.service(), db.instanceUid());
        pass.tx.tenantDatabases().requestMove(db.instanceUid(), to);
        pass.databasesChanged();
        pass.stepRunning(STEP, "moving the data from the " + current + " model to the " + wanted + " model");
        pass.audit("instance.database-move", "success", current + " database " + db.location().database() + " on " + db.location().server()
                + " to " + wanted + " database " + to.database() + " on " + server);
        return Outcome.waiting("database move", WORKER_RECHECK);
    }

    /** What the tenant has in a location, in words: its rows of a pool, its schema, or its database. */
    static String describe(TenantDatabase.Location l) {
        return switch (l.isolation()) {
            case shared -> "its rows in the shared pool " + l.database() + " (shared model)";
            case schema -> "its schema " + l.schema() + " in " + l.database() + " (schema model)";
            case database, dedicated -> "its database " + l.database() + " (" + l.isolation() + " model)";
        };
    }

    /**
     * A dedicated database goes to the instance's own server; a shared pool stays on its server; anything else goes to
     * the first registered server with room (the cell's own first).
     */
    private static String chooseServer(InstancePass pass, String service, DatabaseIsolation isolation, Cell cell) {
        if (isolation == DatabaseIsolation.dedicated) return dev.tenantry.server.tenantdb.DedicatedServer.name(pass.instance.uid());
        List<DatabaseServer> candidates = pass.tx.databaseServers().lockCandidates(cell.region(), cell.id());
        if (isolation == DatabaseIsolation.shared) {
            Optional<String> pool = pass.tx.tenantDatabases().poolServer(service, cell.region());
            if (pool.isPresent()) return pool.get();
        }
        return candidates.stream().filter(s -> s.used() < s.capacity()).map(DatabaseServer::name).findFirst().orElse(null);
    }

    /**
     * Once the instance is settled (every replica runs its current generation), what waited for its workload to switch
     * may go: the logins of earlier generations (after a rotation), the old location (after a move), an own server it
     * does not use (after a move out of the dedicated model, or one started for a move its plan no longer asks for).
     */
    static void afterSettled(InstancePass pass) {
        if (!pass.hasDatabase()) return;
        Optional<TenantDatabase> found = pass.tx.tenantDatabases().get(pass.instance.uid());
        if (found.isEmpty()) return;
        TenantDatabase db = found.get();
        boolean ready = db.progress().state() == TenantDatabase.State.ready;
        if (ready && db.logins().oldOnesLeft() && !db.logins().retireRequested()) {
            pass.tx.tenantDatabases().requestLoginRetirement(db.instanceUid());
            pass.databasesChanged();
        }
        if (db.location().isolation() != DatabaseIsolation.dedicated && !db.move().moving()) DedicatedServerSteps.removeUnused(pass);
        if (db.move().from() != null && !db.move().moving() && !db.move().cleanupRequested()) {
            pass.tx.tenantDatabases().requestCleanup(db.instanceUid());
            pass.databasesChanged();
        }
    }

    /** On purge: the database (its rows, schema or database, and roles) is dropped before the instance is PURGED. */
    static Outcome ensureDropped(InstancePass pass) {
        Optional<TenantDatabase> found = pass.tx.tenantDatabases().get(pass.instance.uid());
        if (found.isEmpty()) {
            // its own server may have been started for a database that was never made
            if (DedicatedServerSteps.removeUnused(pass)) {
                pass.stepRunning("drop-database", "waiting for the agent to remove its own PostgreSQL server");
                return Outcome.waiting("own database server removal", WORKER_RECHECK);
            }
            pass.stepDone("drop-database", "the instance had no database");
            return Outcome.DONE;
        }
        TenantDatabase db = found.get();
        if (db.progress().state() == TenantDatabase.State.dropped) {
            if (DedicatedServerSteps.removeUnused(pass)) {
                pass.stepRunning("drop-database", "waiting for the agent to remove its own PostgreSQL server and its data");
                return Outcome.waiting("own database server removal", WORKER_RECHECK);
            }
            pass.stepDone("drop-database", db.location().isolation() == DatabaseIsolation.dedicated
                    ? "removed its own PostgreSQL server and its data" : "dropped " + describe(db.location()) + " and its roles");
            return Outcome.DONE;
        }
        if (!db.dropRequested()) {
            pass.tx.tenantDatabases().requestDrop(db.instanceUid());
            pass.databasesChanged();
        }
        pass.stepRunning("drop-database", "dropping the database and its roles");
        return Outcome.waiting("database drop", WORKER_RECHECK);
    }
}
