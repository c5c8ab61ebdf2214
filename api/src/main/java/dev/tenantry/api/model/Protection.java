package dev.tenantry.api.model;

import dev.tenantry.api.SortedMaps;
import java.util.List;
import java.util.Map;

/**
 * What rollouts may not change without an approval: the listed services, and the instances of tenants that carry
 * any of the listed labels. A rollout touching them waits for approval by another token than the one that created it.
 */
public record Protection(List<String> services, Map<String, String> tenantLabels) {
    public Protection {
        services = services == null ? List.of() : List.copyOf(services);
        tenantLabels = tenantLabels == null ? Map.of() : SortedMaps.copyOf(tenantLabels);
    }

    public static final Protection NONE = new Protection(null, null);

    /** Whether a tenant with these labels is protected. */
    public boolean protects(Map<String, String> labels) {
        return tenantLabels.entrySet().stream().anyMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }
}
