package dev.tenantry.api.model;

public record TenantCreate(String id, String name, MaintenanceWindow maintenanceWindow) {
    public TenantCreate(String id, String name) {
        this(id, name, null);
    }
}
