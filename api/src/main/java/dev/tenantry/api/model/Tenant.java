package dev.tenantry.api.model;

import java.time.Instant;

/**
 * A customer organisation. {@code id} is a DNS-safe slug used in host names. Rollouts upgrade its instances only
 * inside its {@code maintenanceWindow} (null: any time), unless they are emergencies.
 */
public record Tenant(String id, String name, MaintenanceWindow maintenanceWindow, Instant createdAt) {}
