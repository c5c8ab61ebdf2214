package dev.tenantry.server.reconcile;

import dev.tenantry.server.store.Tx;
import java.time.Duration;
import java.util.List;

/** Objects of one kind reconciled through row leases by a {@link ReconcileLoop}: instances, rollouts. */
interface Reconciler {
    /** What {@link #reconcile} returns when it ran no pass: the object was no longer due (another worker took it). */
    Duration NOT_DUE = Duration.ofMillis(-1);

    /**
     * Whether its objects are claimed through leases, renewed while a pass runs (a pass that spans transactions:
     * migrations, backups, deliveries). Otherwise {@link #claimDue} only looks, and each pass takes its object's row
     * lock in its one transaction (instances): no lease to write, renew and give back.
     */
    default boolean holdsLeases() {
        return true;
    }

    /**
     * Whether any object's pass is due now, looked at outside a transaction before a claim: most looks of an idle loop
     * find nothing, and a claim is a transaction of three statements where this is one (true: always claim).
     */
    default boolean anyDue(Tx tx) {
        return true;
    }

    /** Claims up to {@code limit} objects whose pass is due (or, without leases, names them). */
    List<String> claimDue(Tx tx, String owner, Duration lease, int limit);

    /** Extends the lease on an object whose pass is still running (false: it is no longer {@code owner}'s). */
    boolean extendLease(Tx tx, String id, String owner, Duration lease);

    /** Runs one pass over a claimed object and gives its lease back; returns when the next pass is due (null: on a change). */
    Duration reconcile(String id, String owner);

    /**
     * Gives the lease of an object whose pass failed back, the next pass due after {@link ReconcileBackoff} of its
     * failures in a row; returns them (0: the lease was no longer {@code owner}'s).
     */
    int failed(Tx tx, String id, String owner);

    /** Shows on the object why its passes fail and when the next is due (best effort: its own transaction). */
    default void showFailure(Tx tx, String id, String reason, int failures) {}
}
