package dev.tenantry.server.domain;

import dev.tenantry.api.model.Backup;
import dev.tenantry.api.model.BackupRestore;
import dev.tenantry.api.model.InstanceCreate;
import dev.tenantry.api.model.Operation;
import dev.tenantry.api.model.Phase;
import dev.tenantry.api.validation.Slugs;
import dev.tenantry.server.signals.Signals;
import dev.tenantry.server.store.BackupRepository;
import dev.tenantry.server.store.InstanceRecord;
import dev.tenantry.server.store.Store;
import dev.tenantry.server.store.Tx;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Backups of instances' databases, on demand and on their plan's schedule, and restores: into the instance the backup
 * is of (its data replaced in one transaction, then its replicas restarted), or into a new instance of the same tenant
 * (a fork). The backup workers take them; the database workers load restores.
 */
public final class BackupService {
    /** A backup's steps: dump (and encrypt into the store), then delete the scheduled backups the plan no longer keeps. */
    public static final List<String> BACKUP_STEPS = List.of("dump", "retention");

    private final Store store;
    private final InstanceService instances;
    private final Signals signals;
    private final Clock clock;

    public BackupService(Store store, InstanceService instances, Signals signals, Clock clock) {
        this.store = store;
        this.instances = instances;
        this.signals = signals;
        this.clock = clock;
    }

    /** Asks for a backup of the instance's database now; answers with the backup (pending) and its operation. */
    public Backup request(Principal who, String tenant, String name) {
        InstanceRecord instance = instances.get(who, tenant, name);
        Backup backup = store.tx(tx -> {
            InstanceRecord locked = tx.instances().lockByUid(instance.uid()).orElseThrow();
            requireDatabase(tx, locked);
            if (locked.phase().isDeleted() && locked.phase() != Phase.DELETED) {
                throw new ConflictException("instance", "instance '" + name + "' is " + locked.phase() + ": its database is going");
            }
            if (tx.backups().inProgress(locked.uid())) {
                throw new ConflictException("instance", "a backup of instance '" + name + "' is already being taken; wait for it");
            }
            return enqueue(tx, locked, "manual", who.actor());
        });
        signals.fire(Signals.Topic.BACKUPS);
        signals.fire(Signals.Topic.EVENTS);
        return backup;
    }

    private Backup enqueue(Tx tx, InstanceRecord instance, String trigger, String actor) {
        Instant now = clock.instant();
        String target = instance.tenant() + "/" + instance.name();
        Operation op = OperationProgress.start("instance.backup", instance.tenant(), target, actor, now, BACKUP_STEPS);
        String id = Ids.newId("bk", 16);
        tx.operations().insert(op, instance.uid());
        tx.backups().insert(id, instance.uid(), instance.tenant(), instance.name(), trigger, appliedRelease(tx, instance), op.id(), actor, now);
        tx.events().append("backup.requested", "tenants/" + target + "/backups/" + id, instance.tenant(),
                Map.of("instance", target, "backup", id, "trigger", trigger, "operation", op.id()));
        return tx.backups().get(id).orElseThrow();
    }

    private static String appliedRelease(Tx tx, InstanceRecord instance) {
        return tx.tenantDatabases().get(instance.uid()).map(d -> d.progress().appliedRelease()).orElse(instance.spec().release());
    }

    public List<Backup> list(Principal who, String tenant, String name) {
        InstanceRecord instance = instances.get(who, tenant, name);
        return store.tx(tx -> tx.backups().ofInstance(instance.uid()));
    }

    public Backup get(Principal who, String tenant, String name, String id) {
        InstanceRecord instance = instances.get(who, tenant, name);
        return store.tx(tx -> ownBackup(tx, instance, id));
    }

    /**
     * Restores a succeeded backup of the instance: into it ({@code request.instance} null: its data is replaced, then
     * its replicas restart), or into a new instance of the tenant named {@code request.instance} (a fork).
     */
    public InstanceService.Accepted restore(Principal who, String tenant, String name, String id, BackupRestore request, String ifMatch) {
        InstanceRecord instance = instances.get(who, tenant, name);
        if (request != null && request.instance() != null) return fork(who, instance, id, request.instance());
        InstanceService.Accepted accepted = instances.changeSpec(who, tenant, name, ifMatch, "instance.restore-backup", (tx, locked) -> {
            requireRestorable(tx, locked, id);
            tx.backups().requestRestore(locked.uid(), id);
            tx.tenantDatabases().requestReconcile(locked.uid());
            tx.audit().record(who.actor(), "instance.restore-backup", "tenants/" + tenant + "/instances/" + name, tenant, "success", "backup " + id);
            return locked.spec().withRestartedAt(clock.instant());
        });
        signals.fire(Signals.Topic.DATABASES);
        return accepted;
    }

    private InstanceService.Accepted fork(Principal who, InstanceRecord source, String id, String newName) {
        dev.tenantry.api.validation.Errors errors = new dev.tenantry.api.validation.Errors();
        Slugs.check(errors, "instance", newName);
        errors.throwIfAny();
        Backup backup = store.tx(tx -> succeededBackup(tx, source, id));
        InstanceCreate create = new InstanceCreate(newName, source.spec().service(), source.spec().plan(), source.spec().release(),
                publicParameters(source));
        InstanceService.Accepted accepted = instances.create(who, source.tenant(), create, null, (tx, created) -> {
            tx.backups().requestRestore(created.uid(), backup.id());
            tx.audit().record(who.actor(), "instance.fork", "tenants/" + source.tenant() + "/instances/" + newName, source.tenant(), "success",
                    "from backup " + id + " of " + source.name());
        });
        signals.fire(Signals.Topic.DATABASES);
        return accepted;
    }

    /** The source's parameters, but secret ones (the fork gets its own; it is created without them and fails if they are required). */
    private static Map<String, Object> publicParameters(InstanceRecord source) {
        Map<String, Object> params = new java.util.LinkedHashMap<>(source.spec().parameters() == null ? Map.of() : source.spec().parameters());
        params.values().removeIf(v -> v instanceof Map<?, ?> m && Boolean.TRUE.equals(m.get("secret")));
        return params;
    }

    private static void requireRestorable(Tx tx, InstanceRecord instance, String id) {
        requireDatabase(tx, instance);
        succeededBackup(tx, instance, id);
    }

    /** The instance's backup, taken to the end (one that is not, or another instance's or tenant's, is refused). */
    private static Backup succeededBackup(Tx tx, InstanceRecord instance, String id) {
        Backup b = ownBackup(tx, instance, id);
        if (!b.state().equals("succeeded")) throw new ConflictException("backup", "backup " + id + " is " + b.state() + ", not succeeded");
        return b;
    }

    /** The backup, when it is of this instance (another instance's, or another tenant's, is not found here). */
    private static Backup ownBackup(Tx tx, InstanceRecord instance, String id) {
        return tx.backups().find(instance.uid(), id)
                .orElseThrow(() -> new NotFoundException("backup", "instance '" + instance.name() + "' has no backup '" + id + "'"));
    }

    private static void requireDatabase(Tx tx, InstanceRecord instance) {
        if (tx.tenantDatabases().get(instance.uid()).filter(d -> d.progress().appliedRelease() != null).isEmpty()) {
            throw new ConflictException("instance", "instance '" + instance.name() + "' has no database to back up or restore"
                    + " (its release declares none, or it is not provisioned yet)");
        }
    }

    /**
     * Asks for the scheduled backups that are due: of each live instance with a database whose plan has a schedule, when
     * the schedule fired since its last scheduled backup (or since it was created). Returns how many.
     */
    public int enqueueScheduled() {
        Instant now = clock.instant();
        int count = store.tx(tx -> {
            int queued = 0;
            for (BackupRepository.ScheduleCandidate c : tx.backups().scheduleCandidates()) {
                if (!BackupSchedules.firedBetween(c.schedule(), c.since(), now)) continue;
                InstanceRecord instance = tx.instances().lockByUid(c.instanceUid()).orElseThrow();
                // another caller may have asked for it since the query: the lock makes this look final
                if (tx.backups().inProgress(instance.uid())) continue;
                enqueue(tx, instance, "scheduled", "system (schedule " + c.schedule() + ")");
                queued++;
            }
            return queued;
        });
        if (count > 0) signals.fire(Signals.Topic.BACKUPS);
        return count;
    }
}
