package dev.tenantry.api.model;

import dev.tenantry.api.blueprint.Resources;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * A tier of a service. {@code replicas} and {@code size} override the blueprint's ingress component
 * (and size every component) for instances on this plan.
 */
public record Plan(String service, String name, Isolation isolation, Integer replicas, Resources size,
                   BigDecimal pricePerHour, Instant createdAt) {
    public enum Isolation { dedicated }
}
