package dev.tenantry.api.model;

import dev.tenantry.api.SortedMaps;
import java.time.Instant;
import java.util.Map;

/**
 * A customer organisation. {@code id} is a DNS-safe slug used in host names; {@code labels} (such as
 * {@code tier: enterprise}) select tenants for rollouts and may make them protected. Rollouts upgrade its instances only
 * inside its {@code maintenanceWindow} (null: any time), unless they are emergencies. Its {@code quota} (null: its plans'
 * quotas) bounds its live instances. {@code etag} changes with every change of the tenant (send it as {@code If-Match}).
 */
public record Tenant(String id, String name, Map<String, String> labels, MaintenanceWindow maintenanceWindow, Instant createdAt, Quota quota,
                     String etag) {
    public Tenant {
        labels = labels == null ? Map.of() : SortedMaps.copyOf(labels);
    }

    /** The entity tag of a tenant created at {@code createdAt} (a tenant deleted and made again gets new ones) at {@code version}. */
    public static String etag(Instant createdAt, long version) {
        return "\"t" + (createdAt == null ? 0 : createdAt.toEpochMilli()) + "." + version + "\"";
    }
}
