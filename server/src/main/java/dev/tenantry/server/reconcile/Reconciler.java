package dev.tenantry.server.reconcile;

import dev.tenantry.server.store.Tx;
import java.time.Duration;
import java.util.List;

/** Objects of one kind reconciled through row leases by a {@link ReconcileLoop}: instances, rollouts. */
interface Reconciler {
    /** Claims up to {@code limit} objects whose pass is due. */
    List<String> claimDue(Tx tx, String owner, Duration lease, int limit);

    /** Runs one pass over a claimed object and gives its lease back; returns when the next pass is due (null: on a change). */
    Duration reconcile(String id, String owner);

    /** Gives the lease of an object whose pass failed back, with a pass due after {@code retry}. */
    void retryLater(Tx tx, String id, String owner, Duration retry);
}
