package dev.tenantry.api.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.tenantry.api.blueprint.Resources;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * A tier of a service. {@code replicas} and {@code size} override the blueprint's ingress component
 * (and size every component) for instances on this plan; {@code maxReplicas} and {@code maxSize} bound
 * what an instance on this plan may be scaled to (unset: {@link #MAX_REPLICAS} replicas and the largest
 * size a plan may have). An instance on a plan with {@code hibernateAfterSeconds} hibernates after that long
 * without a request through the gateway (null: never). A deleted instance's data is kept for
 * {@code retentionSeconds} (null: {@link #DEFAULT_RETENTION_SECONDS}; 0: purged as soon as it is deleted). {@code tenantQuota}
 * bounds each tenant's live instances of this plan, unless the tenant has a quota of its own (null: no bound). With
 * {@code httpsOnly}, a plain HTTP request for an instance on the plan is redirected to HTTPS (308) by a gateway that serves it.
 * {@code database}: the isolation model of the database its instances get, when their release declares one.
 */
public record Plan(String service, String name, Isolation isolation, Integer replicas, Resources size,
                   Integer maxReplicas, Resources maxSize, Integer hibernateAfterSeconds, Integer retentionSeconds,
                   BigDecimal pricePerHour, Instant createdAt, Quota tenantQuota, Boolean httpsOnly, PlanDatabase database) {
    public Plan(String service, String name, Isolation isolation, Integer replicas, Resources size, Integer maxReplicas, Resources maxSize,
                Integer hibernateAfterSeconds, Integer retentionSeconds, BigDecimal pricePerHour, Instant createdAt, Quota tenantQuota,
                Boolean httpsOnly) {
        this(service, name, isolation, replicas, size, maxReplicas, maxSize, hibernateAfterSeconds, retentionSeconds, pricePerHour, createdAt,
                tenantQuota, httpsOnly, null);
    }

    public Plan(String service, String name, Isolation isolation, Integer replicas, Resources size, Integer maxReplicas, Resources maxSize,
                Integer hibernateAfterSeconds, Integer retentionSeconds, BigDecimal pricePerHour, Instant createdAt, Quota tenantQuota) {
        this(service, name, isolation, replicas, size, maxReplicas, maxSize, hibernateAfterSeconds, retentionSeconds, pricePerHour, createdAt,
                tenantQuota, null);
    }

    @JsonIgnore
    /** Whether the gateway answers plain HTTP requests for instances on this plan with a redirect to HTTPS (when it serves HTTPS). */
    public boolean redirectsToHttps() {
        return Boolean.TRUE.equals(httpsOnly);
    }

    public static final int MIN_HIBERNATE_AFTER_SECONDS = 10;
    /** Seven days. */
    public static final int DEFAULT_RETENTION_SECONDS = 7 * 24 * 3600;
    /** A year. */
    public static final int MAX_RETENTION_SECONDS = 366 * 24 * 3600;

    public static final int MAX_REPLICAS = 10;
    public static final int MAX_MEMORY_MB = 65536;
    public static final int MAX_CPU_MILLIS = 64000;

    public enum Isolation { dedicated }

    public int retention() {
        return retentionSeconds == null ? DEFAULT_RETENTION_SECONDS : retentionSeconds;
    }

    public int replicaLimit() {
        return maxReplicas == null ? MAX_REPLICAS : maxReplicas;
    }

    public int memoryLimitMb() {
        return maxSize == null || maxSize.memoryMb() == null ? MAX_MEMORY_MB : maxSize.memoryMb();
    }

    public int cpuLimitMillis() {
        return maxSize == null || maxSize.cpuMillis() == null ? MAX_CPU_MILLIS : maxSize.cpuMillis();
    }
}
