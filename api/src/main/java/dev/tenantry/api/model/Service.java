package dev.tenantry.api.model;

import java.time.Instant;

/** A product the vendor offers; {@code latestRelease} is what new instances get unless they name a release. */
public record Service(String name, String description, String latestRelease, Instant createdAt) {}
