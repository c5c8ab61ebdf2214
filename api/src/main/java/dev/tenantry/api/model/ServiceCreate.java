package dev.tenantry.api.model;

public record ServiceCreate(String name, String description) {}
