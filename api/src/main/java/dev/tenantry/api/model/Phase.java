package dev.tenantry.api.model;

public enum Phase {
    PENDING, PROVISIONING, RUNNING, STOPPED, HIBERNATED, FAILED, DELETING, DELETED;

}
