package dev.tenantry.api.model;

/**
 * A request to upgrade the selected instances of {@code service} to {@code release} with a strategy; an
 * {@code emergency} rollout (a security fix) does not wait for tenants' maintenance windows.
 */
public record RolloutCreate(String service, String release, RolloutSelector selector, RolloutStrategy strategy, Boolean emergency) {
    public boolean isEmergency() {
        return Boolean.TRUE.equals(emergency);
    }
}
