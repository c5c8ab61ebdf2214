package dev.tenantry.api.model;

/**
 * A change to one alert rule for a scope: the whole provider (no tenant, service or plan), one plan ({@code service} and
 * {@code plan}), or one tenant. {@code enabled} and {@code threshold} left out keep what the wider scope says.
 */
public record AlertOverride(String rule, String tenant, String service, String plan, Boolean enabled, Double threshold) {
    /** The scope as stored and shown: {@code provider}, {@code plan:<service>/<plan>} or {@code tenant:<id>}. */
    public String scope() {
        if (tenant != null) return "tenant:" + tenant;
        if (service != null || plan != null) return "plan:" + service + "/" + plan;
        return "provider";
    }
}
