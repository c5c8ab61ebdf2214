package dev.tenantry.server.domain;

import dev.tenantry.api.model.Operation;
import dev.tenantry.api.model.Tenant;
import dev.tenantry.server.store.InstanceRecord;
import dev.tenantry.server.store.Tx;

/**
 * The first reconcile pass over a new instance, run in the transaction that creates it: its placement, rendering and
 * publication to its cell commit with the create, which saves a transaction and a read of the instance per create. The
 * instance reconciler does it; the domain knows only this.
 */
@FunctionalInterface
public interface CreationPass {
    /** What the pass made of the instance and its operation, and what to signal once the transaction has committed. */
    record Result(InstanceRecord instance, Operation operation, Runnable afterCommit) {}

    /**
     * Runs the pass over {@code created}, of {@code tenant}, in {@code tx}: with {@code stored}, the instance was
     * inserted (so locked) in {@code tx}; without, it is not in the database yet and the caller inserts what the pass
     * made of it. The pass writes {@code operation}, the create's, which is not stored yet.
     */
    Result run(Tx tx, InstanceRecord created, boolean stored, Operation operation, Tenant tenant);
}
