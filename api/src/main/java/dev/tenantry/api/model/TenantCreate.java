package dev.tenantry.api.model;


import java.util.Map;

public record TenantCreate(String id, String name, Map<String, String> labels, MaintenanceWindow maintenanceWindow) {
    public TenantCreate(String id, String name) {
        this(id, name, null, null);
    }
}
