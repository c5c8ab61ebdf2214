package dev.tenantry.agent.driver;

/**
 * What a replica's supervisor tells of the replica's changes. Most are reported at once; its launch and its entering the
 * queue for a start slot go with the cell's next report, within a second: its health, what a user and the server wait
 * for, follows shortly, and in a burst of starts a report of its own for each launch was about a third of a cell's
 * reports, one for each replica entering the queue (they come one by one as the server takes the creates in) another.
 */
@FunctionalInterface
interface ReplicaChanges {
    /** It became healthy or unhealthy, failed, exited or stopped: reported at once. */
    void changed();

    /** It took a start slot and was launched, or waits for one: reported with the next report. */
    default void noted() {
        changed();
    }
}
