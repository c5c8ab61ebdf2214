package dev.tenantry.agent.driver;

/**
 * What a replica's supervisor tells of the replica's changes. Most are reported at once; its launch (and its taking a
 * start slot) goes with the cell's next report, within a second: its health, what a user and the server wait for,
 * follows shortly, and a report of its own for each launch was about a third of a cell's reports in a burst of starts.
 */
@FunctionalInterface
interface ReplicaChanges {
    /** It became healthy or unhealthy, failed, exited, stopped, or waits for a start slot: reported at once. */
    void changed();

    /** It took a start slot and was launched: reported with the next report. */
    default void launched() {
        changed();
    }
}
