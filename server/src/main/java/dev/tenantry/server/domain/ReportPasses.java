package dev.tenantry.server.domain;

import dev.tenantry.server.store.Tx;
import java.util.List;

/**
 * The reconcile passes an agent's report asks for at once (replicas seen healthy: the instance runs), run in the
 * report's transaction: the instance is RUNNING when the report commits, without a worker's look, lock and transaction
 * of its own. The instance reconciler does it; the domain knows only this.
 */
@FunctionalInterface
public interface ReportPasses {
    /** How many of the instances had their pass, and what to signal once the transaction has committed. */
    record Result(int passed, Runnable afterCommit) {}

    /**
     * Runs the passes of {@code uids} (uid order) in {@code tx}, each one that is due and not in a worker's pass (those
     * stay to the workers).
     */
    Result run(Tx tx, List<String> uids);
}
