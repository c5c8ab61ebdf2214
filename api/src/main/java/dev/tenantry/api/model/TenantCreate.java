package dev.tenantry.api.model;

public record TenantCreate(String id, String name) {}
