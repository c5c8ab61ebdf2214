package dev.tenantry.server.domain;

import dev.tenantry.api.model.Condition;
import dev.tenantry.api.model.InstanceStatus;
import dev.tenantry.api.model.Operation;
import dev.tenantry.api.model.Phase;
import dev.tenantry.server.domain.InstanceService.Accepted;
import dev.tenantry.server.signals.Signals;
import dev.tenantry.server.store.InstanceRecord;
import dev.tenantry.server.store.Store;
import dev.tenantry.server.store.Tx;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What happens to an instance after its delete: it stays DELETED with its data until its purge time, and may be restored
 * meanwhile; then, or when asked, it is purged (its data removed for good, its parameters erased).
 */
public final class DeletedInstances {
    private final Store store;
    private final Signals signals;
    private final Clock clock;

    DeletedInstances(Store store, Signals signals, Clock clock) {
        this.store = store;
        this.signals = signals;
        this.clock = clock;
    }

    /**
     * Brings a DELETED instance back, with its data, on the cell that keeps that data: the next generation of the spec
     * it had when it was deleted. {@code ifMatch} may pick an earlier deleted instance of that name by its ETag.
     */
    public Accepted restore(Principal who, String tenant, String name, String ifMatch) {
        InstanceService.checkTenantAccess(who, tenant);
        Accepted accepted = store.tx(tx -> {
            InstanceRecord locked = lockDeleted(tx, tenant, name, ifMatch, "restore");
            if (locked.cell() != null) {
                dev.tenantry.api.model.Cell cell = tx.cells().get(locked.cell()).orElseThrow();
                if (cell.instances() >= cell.capacity()) {
                    throw new ConflictException("cell", "cell " + cell.id() + ", which keeps the instance's data, has no free capacity");
                }
            }
            InstanceService.checkQuota(tx, locked.uid(), tenant, locked.spec());
            Instant now = clock.instant();
            String target = tenant + "/" + name;
            Operation op = OperationProgress.start("instance.restore", tenant, target, who.actor(), now, InstanceService.RESTORE_STEPS);
            InstanceStatus s = locked.status();
            InstanceRecord restoring = locked.withSpec(locked.spec()).withPurgeAt(null).withLastOperation(op.id())
                    .withStatus(new InstanceStatus(Phase.PROVISIONING, s.observedGeneration(), s.release(), s.cell(), null, "restoring",
                            List.of(new Condition("Ready", Condition.Status.False, "Restoring", "instance is being restored with its data", now)),
                            List.of()));
            tx.instances().saveSpec(restoring);
            return InstanceService.written(tx, restoring, op, "instance.restoring",
                    Map.of("instance", target, "uid", restoring.uid(), "operation", op.id(), "generation", restoring.generation()));
        });
        return InstanceService.fired(signals, accepted);
    }

    /**
     * Removes a DELETED instance's data and parameters for good, before its purge time; asking again while it is
     * being purged returns the same operation.
     */
    public Accepted purge(Principal who, String tenant, String name, String ifMatch) {
        InstanceService.checkTenantAccess(who, tenant);
        Accepted accepted = store.tx(tx -> {
            InstanceRecord purging = tx.instances().get(tenant, name).filter(i -> i.phase() == Phase.PURGING).orElse(null);
            if (purging != null && tx.instances().restorable(tenant, name).isEmpty()) {
                return new Accepted(purging, tx.operations().get(purging.lastOperation()).orElseThrow());
            }
            InstanceRecord locked = lockDeleted(tx, tenant, name, ifMatch, "purge");
            return startPurge(tx, locked, who.actor(), "asked by " + who.actor());
        });
        signals.fire(Signals.Topic.CELLS);
        return InstanceService.fired(signals, accepted);
    }

    /** Starts purging every DELETED instance whose retention ended (the purge timer); returns how many. */
    public int purgeExpired() {
        int purged = 0;
        for (String uid : store.tx(tx -> tx.instances().purgeDue(100))) {
            boolean started = store.tx(tx -> {
                InstanceRecord locked = tx.instances().lockByUid(uid).orElseThrow();
                if (locked.phase() != Phase.DELETED || locked.purgeAt() == null || locked.purgeAt().isAfter(clock.instant())) return false;
                String why = "its retention ended at " + locked.purgeAt();
                startPurge(tx, locked, "system", why);
                tx.audit().record("system", "instance.purge", "tenants/" + locked.tenant() + "/" + locked.name(), locked.tenant(), "success", why);
                return true;
            });
            if (started) purged++;
        }
        if (purged > 0) {
            signals.fire(Signals.Topic.CELLS);
            signals.fire(Signals.Topic.RECONCILE);
            signals.fire(Signals.Topic.EVENTS);
        }
        return purged;
    }

    /**
     * The deleted instance of that name that still has its data, locked: the one whose ETag is {@code ifMatch}, else the
     * most recently deleted one; a clear 4xx otherwise.
     */
    private static InstanceRecord lockDeleted(Tx tx, String tenant, String name, String ifMatch, String action) {
        InstanceRecord latest = tx.instances().get(tenant, name)
                .orElseThrow(() -> new NotFoundException("instance", "tenant '" + tenant + "' has no instance '" + name + "'"));
        if (!latest.phase().isDeleted()) {
            throw new ConflictException("name", "instance '" + name + "' is not deleted (it is " + latest.phase() + "); only a deleted instance can "
                    + (action.equals("purge") ? "be purged: delete it first" : "be restored"));
        }
        boolean anyEtag = ifMatch == null || ifMatch.equals("*");
        InstanceRecord deleted = tx.instances().restorable(tenant, name).stream().filter(i -> anyEtag || i.etag().equals(ifMatch)).findFirst()
                .orElseThrow(() -> !anyEtag
                        ? new PreconditionFailedException("no deleted instance '" + name + "' with its data has the ETag " + ifMatch)
                        : new ConflictException("name", "instance '" + name + "' was purged: its data is gone for good"));
        InstanceRecord locked = tx.instances().lockByUid(deleted.uid()).orElseThrow();
        if (locked.phase() != Phase.DELETED) throw new ConflictException("name", "instance '" + name + "' is " + locked.phase() + " now");
        return locked;
    }

    /**
     * PURGING, with an operation: the cell is told in this transaction (its revision moves on) to remove the data;
     * the reconciler marks the instance PURGED once the agent has.
     */
    private Accepted startPurge(Tx tx, InstanceRecord deleted, String actor, String why) {
        Instant now = clock.instant();
        String target = deleted.tenant() + "/" + deleted.name();
        Operation op = OperationProgress.start("instance.purge", deleted.tenant(), target, actor, now, InstanceService.PURGE_STEPS);
        op = OperationProgress.stepRunning(op, "remove-data", deleted.cell() == null ? "no cell holds data of the instance"
                : "waiting for the agent of cell " + deleted.cell() + " to remove the data", now);
        InstanceStatus s = deleted.status();
        InstanceRecord purging = deleted.withLastOperation(op.id())
                .withStatus(new InstanceStatus(Phase.PURGING, s.observedGeneration(), s.release(), s.cell(), null, "purging: " + why,
                        List.of(new Condition("Ready", Condition.Status.False, "Purging", "the instance's data is being removed for good", now)),
                        List.of()));
        if (deleted.cell() != null) purging = purging.withPublication(false, tx.cells().bumpRevision(deleted.cell()));
        return InstanceService.written(tx, purging, op, "instance.purging",
                Map.of("instance", target, "uid", purging.uid(), "operation", op.id(), "reason", why));
    }
}
