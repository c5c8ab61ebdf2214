package dev.tenantry.api.model;

import dev.tenantry.api.blueprint.Blueprint;

public record ReleaseCreate(String version, Blueprint blueprint) {}
