package dev.tenantry.api.model;

import java.time.Instant;

/**
 * A unit of capacity in a region served by one agent. Its gateway serves instance host names
 * {@code {instance}.{tenant}.{baseDomain}}; {@code endpointTemplate} turns such a host into the URL users open.
 * {@code databaseAddress}: where the control plane reaches the dedicated database servers of the cell (null: the
 * cell host's loopback).
 */
public record Cell(String id, String region, String driver, String baseDomain, String endpointTemplate, boolean online,
                   Instant lastSeen, long revision, int instances, int capacity, Instant createdAt, String databaseAddress) {
    public Cell(String id, String region, String driver, String baseDomain, String endpointTemplate, boolean online,
                Instant lastSeen, long revision, int instances, int capacity, Instant createdAt) {
        this(id, region, driver, baseDomain, endpointTemplate, online, lastSeen, revision, instances, capacity, createdAt, null);
    }
}
