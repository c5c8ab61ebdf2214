package dev.tenantry.api.model;

import java.time.Instant;
import java.util.List;

/**
 * Revenue, cost and margin per tenant from {@code from} to {@code to}, by margin (lowest first), and the heavy hitters:
 * the tenants of highest cost, and of highest cost against revenue.
 */
public record Margin(Instant from, Instant to, List<TenantMargin> tenants, List<String> highestCost, List<String> highestCostToRevenue) {
    /** {@code costToRevenue}: cost divided by revenue (null without revenue). */
    public record TenantMargin(String tenant, double revenue, double cost, double margin, Double costToRevenue, double instanceHours,
                               double cpuCoreHours, double memoryGbHours, double storageGbHours) {}
}
