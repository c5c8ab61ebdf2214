package dev.tenantry.api.model;

import dev.tenantry.api.blueprint.Resources;
import java.math.BigDecimal;

public record PlanCreate(String name, Plan.Isolation isolation, Integer replicas, Resources size, Integer maxReplicas, Resources maxSize,
                         Integer hibernateAfterSeconds, Integer retentionSeconds, BigDecimal pricePerHour, Quota tenantQuota, Boolean httpsOnly,
                         PlanDatabase database) {
    public PlanCreate(String name, Plan.Isolation isolation, Integer replicas, Resources size, Integer maxReplicas, Resources maxSize,
                      Integer hibernateAfterSeconds, Integer retentionSeconds, BigDecimal pricePerHour, Quota tenantQuota, Boolean httpsOnly) {
        this(name, isolation, replicas, size, maxReplicas, maxSize, hibernateAfterSeconds, retentionSeconds, pricePerHour, tenantQuota, httpsOnly, null);
    }

    public PlanCreate(String name, Plan.Isolation isolation, Integer replicas, Resources size, Integer maxReplicas, Resources maxSize,
                      Integer hibernateAfterSeconds, Integer retentionSeconds, BigDecimal pricePerHour, Quota tenantQuota) {
        this(name, isolation, replicas, size, maxReplicas, maxSize, hibernateAfterSeconds, retentionSeconds, pricePerHour, tenantQuota, null);
    }

    public PlanCreate(String name, Plan.Isolation isolation, Integer replicas, Resources size, Integer maxReplicas, Resources maxSize,
                      Integer hibernateAfterSeconds, Integer retentionSeconds, BigDecimal pricePerHour) {
        this(name, isolation, replicas, size, maxReplicas, maxSize, hibernateAfterSeconds, retentionSeconds, pricePerHour, null);
    }
}
