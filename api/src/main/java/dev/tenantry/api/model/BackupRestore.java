package dev.tenantry.api.model;

/**
 * Where to restore a backup: into the instance it was taken of (no {@code instance}), or into a new instance of the same
 * tenant named {@code instance} (a fork, on the same service, plan and release as the original).
 */
public record BackupRestore(String instance) {}
