package dev.tenantry.agent.driver;

/**
 * What a replica's supervisor tells of the replica's changes. Most are reported at once; its launch and its entering the
 * queue for a start slot are noted, and reported within a second if nothing else of the instance is reported first:
 * its health, what a user and the server wait for, follows shortly, and in a burst of starts a report of its own for
 * each launch was about a third of a cell's reports.
 */
@FunctionalInterface
interface ReplicaChanges {
    /** It became healthy or unhealthy, failed, exited or stopped: reported at once. */
    void changed();

    /**
     * It took a start slot and was launched, or waits for one: reported once that is {@link ChangedInstances#NOTE_DELAY}
     * old, or with the next change of its instance reported at once.
     */
    default void noted() {
        changed();
    }
}
