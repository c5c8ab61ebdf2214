package dev.tenantry.api.model;

import java.time.Instant;

/**
 * An API token. {@code secret} is returned once, by the create call, and never again (only its hash is
 * stored). A token with a {@code tenant} can reach only that tenant's objects; {@code cell} scopes agent tokens.
 */
public record Token(String id, String name, Role role, String tenant, String cell, Instant createdAt,
                    Instant revokedAt, String secret) {}
