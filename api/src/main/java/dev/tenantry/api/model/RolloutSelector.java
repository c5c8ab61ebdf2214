package dev.tenantry.api.model;

import dev.tenantry.api.SortedMaps;
import java.util.List;
import java.util.Map;

/**
 * Which instances of the service a rollout upgrades: each list that is not empty must match (empty: any), and the
 * tenant must carry every one of {@code tenantLabels}.
 */
public record RolloutSelector(List<String> tenants, Map<String, String> tenantLabels, List<String> plans, List<String> cells,
                              List<String> releases) {
    public RolloutSelector {
        tenantLabels = tenantLabels == null ? Map.of() : SortedMaps.copyOf(tenantLabels);
        tenants = tenants == null ? List.of() : List.copyOf(tenants);
        plans = plans == null ? List.of() : List.copyOf(plans);
        cells = cells == null ? List.of() : List.copyOf(cells);
        releases = releases == null ? List.of() : List.copyOf(releases);
    }

    public static final RolloutSelector ALL = new RolloutSelector(null, null, null, null, null);
}
