package dev.tenantry.api.model;

import java.time.Instant;

/**
 * A running deployment of a service plan for a tenant: desired spec and observed status. {@code etag} is the
 * version of the desired spec (also the {@code ETag} header) to send as {@code If-Match} with a change. A DELETED
 * instance's data is kept until {@code purgeAt}; until then it can be restored. Rollouts pass an instance with a
 * {@code pinnedRelease} by.
 */
public record Instance(String tenant, String name, String uid, long generation, String etag, InstanceSpec spec, InstanceStatus status,
                       String lastOperation, Instant purgeAt, String pinnedRelease, Instant createdAt, Instant updatedAt) {}
