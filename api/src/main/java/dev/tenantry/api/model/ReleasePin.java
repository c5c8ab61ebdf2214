package dev.tenantry.api.model;

/** A pin: rollouts pass the pinned instances by unless they move them to this very release. */
public record ReleasePin(String release) {}
