package dev.tenantry.api.model;

import java.time.Instant;

/**
 * A logical backup of an instance's database: {@code manual} or {@code scheduled} (the plan's schedule), its state
 * ({@code pending}, {@code running}, {@code succeeded}, {@code failed}), the release and migration version it was taken
 * at, how much it holds (tables, rows, encrypted bytes), and the operation that took it.
 */
public record Backup(String id, String tenant, String instance, String trigger, String state, String release, String migrationVersion,
                     Integer tables, Long rows, Long sizeBytes, String message, String operation, String createdBy, Instant createdAt,
                     Instant finishedAt) {}
