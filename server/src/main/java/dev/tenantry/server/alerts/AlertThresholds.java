package dev.tenantry.server.alerts;

import dev.tenantry.api.model.AlertOverride;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The rules' settings in effect: a tenant's override wins over its plan's, a plan's over the provider's, that over the default. */
public final class AlertThresholds {
    /** A rule as it applies to one object, and where that came from ({@code default}, {@code provider}, {@code plan:…}, {@code tenant:…}). */
    public record Setting(boolean enabled, double threshold, String from) {}

    private final Map<String, AlertOverride> byScopeAndRule = new HashMap<>();

    public AlertThresholds(List<AlertOverride> overrides) {
        overrides.forEach(o -> byScopeAndRule.put(o.scope() + "|" + o.rule(), o));
    }

    public static final AlertThresholds DEFAULTS = new AlertThresholds(List.of());

    /** The provider-wide setting of a rule. */
    public Setting of(AlertRule rule) {
        return of(rule, null, null, null);
    }

    /** The setting for an object of {@code tenant} on {@code service}'s {@code plan} (any of them null: that scope does not apply). */
    public Setting of(AlertRule rule, String tenant, String service, String plan) {
        boolean enabled = true;
        double threshold = rule.defaultThreshold();
        String enabledFrom = "default";
        String thresholdFrom = "default";
        String[] scopes = {"provider", service == null || plan == null ? null : "plan:" + service + "/" + plan, tenant == null ? null : "tenant:" + tenant};
        for (String scope : scopes) {
            if (scope == null) continue;
            AlertOverride o = byScopeAndRule.get(scope + "|" + rule.id());
            if (o == null) continue;
            if (o.enabled() != null) {
                enabled = o.enabled();
                enabledFrom = scope;
            }
            if (o.threshold() != null) {
                threshold = o.threshold();
                thresholdFrom = scope;
            }
        }
        return new Setting(enabled, threshold, enabled ? thresholdFrom : enabledFrom);
    }
}
