package dev.tenantry.api.model;

import dev.tenantry.api.SortedMaps;
import java.util.Map;

/** The new labels of a tenant (they replace the old ones). */
public record TenantLabels(Map<String, String> labels) {
    public TenantLabels {
        labels = labels == null ? Map.of() : SortedMaps.copyOf(labels);
    }
}
