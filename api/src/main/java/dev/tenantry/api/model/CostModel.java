package dev.tenantry.api.model;

import java.math.BigDecimal;

/** What capacity costs the provider on a cell: per core-hour of CPU used, per GB-hour of memory, per GB-hour of storage. */
public record CostModel(BigDecimal perCoreHour, BigDecimal perGbHourMemory, BigDecimal perGbHourStorage) {
    public static final CostModel NONE = new CostModel(BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO);
}
