package dev.tenantry.api.model;

import java.time.Instant;

/**
 * A PostgreSQL server for tenant data; {@code used}: the tenant databases (or shared pools) placed on it. A registered
 * server has no {@code dedicatedTo}; a dedicated one is the own server of the instance of that uid, run by the agent of
 * its cell (its {@code port} is 0 until it first runs).
 */
public record DatabaseServer(String name, String region, String cell, String host, int port, String adminUser, int capacity, int used,
                             String version, Instant createdAt, String dedicatedTo) {
    public DatabaseServer(String name, String region, String cell, String host, int port, String adminUser, int capacity, int used,
                          String version, Instant createdAt) {
        this(name, region, cell, host, port, adminUser, capacity, used, version, createdAt, null);
    }

    public static final int DEFAULT_CAPACITY = 500;
    public static final int MAX_CAPACITY = 100_000;
}
