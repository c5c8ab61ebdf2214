package dev.tenantry.api.model;

import java.util.List;

/**
 * A built-in alert rule: what it watches, its threshold's unit and default, whether it is on by default, and the
 * overrides that change it for the whole provider, a plan or a tenant (the most specific one wins: tenant, then plan,
 * then provider).
 */
public record AlertRuleInfo(String name, String description, String unit, double defaultThreshold, boolean tenantScoped,
                            List<AlertOverride> overrides) {
    public AlertRuleInfo {
        overrides = overrides == null ? List.of() : List.copyOf(overrides);
    }
}
