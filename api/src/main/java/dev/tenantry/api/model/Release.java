package dev.tenantry.api.model;

import dev.tenantry.api.blueprint.Blueprint;
import java.time.Instant;

/** An immutable, versioned blueprint of a service. */
public record Release(String service, String version, Blueprint blueprint, Instant createdAt) {}
