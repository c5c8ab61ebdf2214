package dev.tenantry.api.model;

public record TokenCreate(String name, Role role, String tenant, String cell) {}
