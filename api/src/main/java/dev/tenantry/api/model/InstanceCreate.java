package dev.tenantry.api.model;

import java.util.Map;

/** Request to provision a service plan for a tenant; {@code release} defaults to the service's latest. */
public record InstanceCreate(String name, String service, String plan, String release, Map<String, Object> parameters) {}
