package dev.tenantry.api.model;

import dev.tenantry.api.validation.Errors;

/**
 * Limits on one tenant's live instances: how many, and their total CPU (millicores) and memory (MiB) over all
 * replicas of all components. A field left out is no limit. A plan's {@code tenantQuota} bounds each tenant's
 * instances of that plan; a tenant's own quota, set by a provider admin, replaces the plans' and bounds all of them.
 */
public record Quota(Integer instances, Integer cpuMillis, Integer memoryMb) {
    public static final int MAX = 100_000_000;

    public static void check(Errors errors, String field, Quota quota) {
        if (quota == null) return;
        range(errors, field + ".instances", quota.instances());
        range(errors, field + ".cpuMillis", quota.cpuMillis());
        range(errors, field + ".memoryMb", quota.memoryMb());
    }

    private static void range(Errors errors, String field, Integer value) {
        if (value != null && (value < 0 || value > MAX)) errors.add(field, "must be between 0 and " + MAX);
    }
}
