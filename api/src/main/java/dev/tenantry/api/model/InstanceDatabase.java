package dev.tenantry.api.model;

import java.time.Instant;
import java.util.List;

/**
 * An instance's database: its isolation model, the server it is on, the database (and schema) its workload uses, the
 * login it is given (never the password), the release whose migrations it has, the versions applied, and its state
 * ({@code provisioning}, {@code migrating}, {@code ready}, {@code failed}, {@code dropping}, {@code dropped}).
 */
public record InstanceDatabase(String instance, DatabaseIsolation isolation, String server, String host, Integer port, String database,
                               String schema, String user, String state, String message, String release, List<AppliedMigration> migrations,
                               Instant updatedAt) {
    public record AppliedMigration(String version, String description, Instant installedAt) {}
}
