package dev.tenantry.api.model;

import java.util.Map;

/** What the user asked for. Changing it bumps the instance's generation. */
public record InstanceSpec(String service, String plan, String release, Map<String, Object> parameters) {}
