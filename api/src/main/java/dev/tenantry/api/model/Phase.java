package dev.tenantry.api.model;

public enum Phase {
    PENDING, PROVISIONING, RUNNING, FAILED, DELETING, DELETED;

}
