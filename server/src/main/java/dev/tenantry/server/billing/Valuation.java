package dev.tenantry.server.billing;

import dev.tenantry.api.model.CostModel;
import dev.tenantry.api.model.Margin;
import dev.tenantry.api.model.UnitPrices;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What usage is worth, without I/O: revenue at a plan's hourly price and unit prices, cost at a cell's cost model, and
 * the margin report's order and heavy hitters.
 */
public final class Valuation {
    /** How many tenants each heavy-hitter list names. */
    public static final int HEAVY_HITTERS = 3;

    private Valuation() {}

    /** Revenue of {@code instanceSeconds} on a plan of {@code pricePerHour} (null: free), with its requests and bytes out at the unit prices. */
    public static double revenue(double instanceSeconds, BigDecimal pricePerHour, double requests, double bytesOut, UnitPrices units) {
        double hourly = pricePerHour == null ? 0 : pricePerHour.doubleValue() * instanceSeconds / 3600;
        return hourly + requests / 1e6 * units.perMillionRequests().doubleValue() + bytesOut / 1e9 * units.perGbOut().doubleValue();
    }

    /** Cost of CPU seconds, memory and storage GB-seconds at a cell's cost model. */
    public static double cost(double cpuSeconds, double memoryGbSeconds, double storageGbSeconds, CostModel model) {
        return cpuSeconds / 3600 * model.perCoreHour().doubleValue() + memoryGbSeconds / 3600 * model.perGbHourMemory().doubleValue()
                + storageGbSeconds / 3600 * model.perGbHourStorage().doubleValue();
    }

    /** Tenants by margin, lowest first; heavy hitters: highest cost, and highest cost against revenue (a tenant without revenue first). */
    public static Margin report(java.time.Instant from, java.time.Instant to, List<Margin.TenantMargin> tenants) {
        List<Margin.TenantMargin> byMargin = new ArrayList<>(tenants);
        byMargin.sort(Comparator.comparingDouble(Margin.TenantMargin::margin).thenComparing(Margin.TenantMargin::tenant));
        List<String> highestCost = tenants.stream().filter(t -> t.cost() > 0)
                .sorted(Comparator.comparingDouble(Margin.TenantMargin::cost).reversed().thenComparing(Margin.TenantMargin::tenant))
                .limit(HEAVY_HITTERS).map(Margin.TenantMargin::tenant).toList();
        List<String> highestRatio = tenants.stream().filter(t -> t.cost() > 0)
                .sorted(Comparator.comparingDouble((Margin.TenantMargin t) -> t.costToRevenue() == null ? Double.MAX_VALUE : t.costToRevenue())
                        .reversed().thenComparing(Margin.TenantMargin::tenant))
                .limit(HEAVY_HITTERS).map(Margin.TenantMargin::tenant).toList();
        return new Margin(from, to, byMargin, highestCost, highestRatio);
    }
}
