package dev.tenantry.api.model;

import java.time.Instant;

/**
 * A unit of capacity in a region served by one agent. Its gateway serves instance host names
 * {@code {instance}.{tenant}.{baseDomain}}; {@code endpointTemplate} turns such a host into the URL users open.
 */
public record Cell(String id, String region, String driver, String baseDomain, String endpointTemplate, boolean online,
                   Instant lastSeen, long revision, int instances, int capacity, Instant createdAt) {}
