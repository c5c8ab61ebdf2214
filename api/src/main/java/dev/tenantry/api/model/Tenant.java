package dev.tenantry.api.model;

import dev.tenantry.api.SortedMaps;
import java.time.Instant;
import java.util.Map;

/**
 * A customer organisation. {@code id} is a DNS-safe slug used in host names; {@code labels} (such as
 * {@code tier: enterprise}) select tenants for rollouts and may make them protected. Rollouts upgrade its instances only
 * inside its {@code maintenanceWindow} (null: any time), unless they are emergencies. Its {@code quota} (null: its plans'
 * quotas) bounds its live instances.
 */
public record Tenant(String id, String name, Map<String, String> labels, MaintenanceWindow maintenanceWindow, Instant createdAt, Quota quota) {
    public Tenant {
        labels = labels == null ? Map.of() : SortedMaps.copyOf(labels);
    }
}
