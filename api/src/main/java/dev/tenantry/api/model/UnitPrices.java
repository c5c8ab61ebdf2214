package dev.tenantry.api.model;

import java.math.BigDecimal;

/** What a plan charges per unit on top of its hourly price: per million requests and per GB sent to clients. */
public record UnitPrices(BigDecimal perMillionRequests, BigDecimal perGbOut) {
    public static final UnitPrices NONE = new UnitPrices(BigDecimal.ZERO, BigDecimal.ZERO);
}
