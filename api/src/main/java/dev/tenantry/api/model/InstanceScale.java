package dev.tenantry.api.model;

import dev.tenantry.api.blueprint.Resources;

/** Scaling an instance: replicas of its ingress component and/or the size of every component (null: unchanged). */
public record InstanceScale(Integer replicas, Resources size) {}
