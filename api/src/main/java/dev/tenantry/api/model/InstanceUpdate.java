package dev.tenantry.api.model;

import java.util.Map;

/** {@code PATCH} of an instance: a new plan and/or parameters (null: unchanged; parameters replace the old ones as a whole). */
public record InstanceUpdate(String plan, Map<String, Object> parameters) {}
