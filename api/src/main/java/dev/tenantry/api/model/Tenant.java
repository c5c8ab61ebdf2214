package dev.tenantry.api.model;

import java.time.Instant;

/** A customer organisation. {@code id} is a DNS-safe slug used in host names. */
public record Tenant(String id, String name, Instant createdAt) {}
