package dev.tenantry.api.blueprint;

/** A named port; the agent allocates a free local port for it per replica. */
public record PortSpec(String name) {}
