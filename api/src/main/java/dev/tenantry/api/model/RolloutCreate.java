package dev.tenantry.api.model;

/** A request to upgrade the selected instances of {@code service} to {@code release} with a strategy. */
public record RolloutCreate(String service, String release, RolloutSelector selector, RolloutStrategy strategy) {}
