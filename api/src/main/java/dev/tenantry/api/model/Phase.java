package dev.tenantry.api.model;

/**
 * Where an instance is in its life. DELETED keeps the instance's data until its purge time (it can be restored);
 * PURGING removes that data, and PURGED is final.
 */
public enum Phase {
    PENDING, PROVISIONING, RUNNING, STOPPED, HIBERNATED, FAILED, DELETING, DELETED, PURGING, PURGED;

    /** Deleted or being purged or purged: nothing runs, and the name is free for a new instance. */
    public boolean isDeleted() {
        return this == DELETED || this == PURGING || this == PURGED;
    }
}
