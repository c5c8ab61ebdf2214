package dev.tenantry.server.domain;

import dev.tenantry.api.model.Role;

/** Who is calling: a token's id and name, its role, and the tenant or cell it is limited to (null: none). */
public record Principal(String tokenId, String name, Role role, String tenant, String cell) {
    public static final Principal SYSTEM = new Principal("system", "system", Role.admin, null, null);

    public String actor() {
        return name + " (" + tokenId + ")";
    }

    public boolean canSeeTenant(String tenantId) {
        return tenant == null || tenant.equals(tenantId);
    }

}
