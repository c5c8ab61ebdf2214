package dev.tenantry.server.reconcile;

import dev.tenantry.api.model.Backup;
import dev.tenantry.api.model.BackupPolicy;
import dev.tenantry.api.model.Operation;
import dev.tenantry.api.model.Plan;
import dev.tenantry.api.model.PlanDatabase;
import dev.tenantry.server.domain.DatabaseService;
import dev.tenantry.server.store.InstanceRecord;
import dev.tenantry.server.domain.OperationProgress;
import dev.tenantry.server.signals.Signals;
import dev.tenantry.server.store.Leases;
import dev.tenantry.server.store.Store;
import dev.tenantry.server.store.Tx;
import dev.tenantry.server.tenantdb.BackupFiles;
import dev.tenantry.server.tenantdb.ServerAccess;
import dev.tenantry.server.tenantdb.TenantDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes the backups asked for: dumps the instance's data (outside any control-plane transaction) into the backup store,
 * encrypted, then records it, completes its operation and deletes the scheduled backups its plan keeps no longer. A
 * server out of reach fails the pass (retried with backoff); a backup whose dump fails is failed with the reason. A
 * crash mid-dump leaves the backup pending: its lease expires and it is taken again from the start.
 */
public final class BackupReconciler implements Reconciler {
    private static final Logger log = LoggerFactory.getLogger(BackupReconciler.class);
    private final Store store;
    private final DatabaseService databases;
    private final BackupFiles files;
    private final Signals signals;
    private final Clock clock;

    public BackupReconciler(Store store, DatabaseService databases, BackupFiles files, Signals signals, Clock clock) {
        this.store = store;
        this.databases = databases;
        this.files = files;
        this.signals = signals;
        this.clock = clock;
    }

    private record Work(Backup backup, String instanceUid, TenantDatabase db, ServerAccess access) {}

    @Override
    public boolean anyDue(Tx tx) {
        return !tx.leases(Leases.Table.BACKUPS).due(1).isEmpty();
    }

    @Override
    public List<String> claimDue(Tx tx, String owner, Duration lease, int limit) {
        return tx.leases(Leases.Table.BACKUPS).claimDue(owner, lease, limit);
    }

    @Override
    public boolean extendLease(Tx tx, String id, String owner, Duration lease) {
        return tx.leases(Leases.Table.BACKUPS).extend(id, owner, lease);
    }

    @Override
    public int failed(Tx tx, String id, String owner) {
        return tx.leases(Leases.Table.BACKUPS).releaseAfterFailure(id, owner, ReconcileBackoff::after);
    }

    @Override
    public void showFailure(Tx tx, String id, String reason, int failures) {
        tx.backups().showMessage(id, failures + " attempt(s) in a row failed: " + reason + "; the next in " + ReconcileBackoff.after(failures).toSeconds() + " s");
    }

    @Override
    public Duration reconcile(String id, String owner) {
        Work work = store.tx(tx -> start(tx, id, owner));
        if (work == null) return null;
        BackupFiles.Written written;
        try {
            written = files.dump(id, work.access(), work.db().location(), work.instanceUid());
        } catch (IllegalStateException e) {
            finish(id, owner, tx -> fail(tx, work.backup(), e.getMessage()));
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("writing backup " + id, e);
        }
        List<String> expired = new ArrayList<>();
        finish(id, owner, tx -> expired.addAll(succeed(tx, work, written)));
        for (String old : expired) {
            try {
                files.delete(old);
            } catch (IOException e) {
                log.warn("Could not delete the file of expired backup {}: {}", old, e.toString());
            }
        }
        return null;
    }

    /** The work, with the backup marked running; null when there is none (done already, or its instance has no database). */
    private Work start(Tx tx, String id, String owner) {
        Backup backup = tx.backups().get(id).orElse(null);
        if (backup == null || !(backup.state().equals("pending") || backup.state().equals("running"))) {
            tx.leases(Leases.Table.BACKUPS).release(id, owner, null);
            return null;
        }
        String uid = tx.backups().instanceOf(id);
        TenantDatabase db = tx.tenantDatabases().get(uid).filter(d -> !d.dropRequested()).orElse(null);
        if (db == null) {
            fail(tx, backup, "the instance has no database any more");
            tx.leases(Leases.Table.BACKUPS).release(id, owner, null);
            return null;
        }
        tx.backups().markRunning(id);
        updateOperation(tx, backup, op -> OperationProgress.stepRunning(op, "dump", "dumping " + db.location().isolation() + " database "
                + db.location().database(), clock.instant()));
        return new Work(backup, uid, db, databases.access(tx, db.location().server()));
    }

    private List<String> succeed(Tx tx, Work work, BackupFiles.Written written) {
        Instant now = clock.instant();
        Backup b = work.backup();
        String summary = written.summary().rows() + " rows of " + written.summary().tables() + " tables, " + written.bytes() + " bytes encrypted";
        tx.backups().succeeded(b.id(), written.summary().migrationVersion(), written.summary().tables(), written.summary().rows(), written.bytes(),
                written.wrappedKey(), "taken: " + summary, now);
        List<String> expired = expired(tx, work.instanceUid(), now);
        tx.backups().delete(expired);
        updateOperation(tx, b, op -> {
            Operation dumped = OperationProgress.stepSucceeded(op, "dump", summary, now);
            Operation kept = OperationProgress.stepSucceeded(dumped, "retention", expired.isEmpty() ? "no scheduled backup expired"
                    : "deleted " + expired.size() + " expired scheduled backup(s)", now);
            return OperationProgress.succeed(kept, now);
        });
        tx.events().append("backup.succeeded", "tenants/" + b.tenant() + "/" + b.instance() + "/backups/" + b.id(), b.tenant(),
                Map.of("backup", b.id(), "instance", b.tenant() + "/" + b.instance(), "rows", written.summary().rows(), "bytes", written.bytes()));
        return expired;
    }

    /** The instance's scheduled backups beyond its plan's keepCount newest, or older than its keepDays. */
    private static List<String> expired(Tx tx, String uid, Instant now) {
        InstanceRecord instance = tx.instances().byUid(uid).orElseThrow();
        BackupPolicy policy = tx.catalog().plan(instance.spec().service(), instance.spec().plan()).map(Plan::database)
                .map(PlanDatabase::backups).orElse(null);
        if (policy == null) return List.of();
        List<String> expired = new ArrayList<>();
        int kept = 0;
        for (Backup b : tx.backups().ofInstance(uid)) {
            if (!b.trigger().equals("scheduled") || !b.state().equals("succeeded")) continue;
            boolean tooOld = policy.keepDays() != null && b.createdAt().isBefore(now.minus(Duration.ofDays(policy.keepDays())));
            if (kept >= policy.keepCountOrDefault() || tooOld) expired.add(b.id());
            else kept++;
        }
        return expired;
    }

    private void fail(Tx tx, Backup b, String reason) {
        Instant now = clock.instant();
        tx.backups().failed(b.id(), reason, now);
        updateOperation(tx, b, op -> OperationProgress.fail(op, reason, now));
        tx.events().append("backup.failed", "tenants/" + b.tenant() + "/" + b.instance() + "/backups/" + b.id(), b.tenant(),
                Map.of("backup", b.id(), "instance", b.tenant() + "/" + b.instance(), "reason", reason));
    }

    private static void updateOperation(Tx tx, Backup b, java.util.function.UnaryOperator<Operation> change) {
        if (b.operation() == null) return;
        tx.operations().get(b.operation()).filter(op -> !op.state().isDone()).ifPresent(op -> tx.operations().update(change.apply(op)));
    }

    private void finish(String id, String owner, java.util.function.Consumer<Tx> write) {
        store.run(tx -> {
            write.accept(tx);
            tx.leases(Leases.Table.BACKUPS).release(id, owner, null);
        });
        signals.fire(Signals.Topic.EVENTS);
    }
}
