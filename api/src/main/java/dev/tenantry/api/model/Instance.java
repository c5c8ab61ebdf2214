package dev.tenantry.api.model;

import java.time.Instant;

/** A running deployment of a service plan for a tenant: desired spec and observed status. */
public record Instance(String tenant, String name, String uid, long generation, InstanceSpec spec, InstanceStatus status,
                       String lastOperation, Instant createdAt, Instant updatedAt) {}
