package dev.tenantry.api.model;

import java.time.Instant;

/** A registered PostgreSQL server for tenant data; {@code used}: the tenant databases (or shared pools) placed on it. */
public record DatabaseServer(String name, String region, String cell, String host, int port, String adminUser, int capacity, int used,
                             String version, Instant createdAt) {
    public static final int DEFAULT_CAPACITY = 500;
    public static final int MAX_CAPACITY = 100_000;
}
