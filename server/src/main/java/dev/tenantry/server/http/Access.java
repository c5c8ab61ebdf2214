package dev.tenantry.server.http;

import dev.tenantry.api.model.Role;
import io.javalin.security.RouteRole;
import java.util.EnumSet;
import java.util.Set;

/** Who may call a route, by role. Object ownership (tenant scope) is checked by the domain services. */
enum Access implements RouteRole {
    PUBLIC(EnumSet.allOf(Role.class)),
    READ(EnumSet.of(Role.admin, Role.operator, Role.viewer)),
    WRITE(EnumSet.of(Role.admin, Role.operator)),
    ADMIN(EnumSet.of(Role.admin)),
    AGENT(EnumSet.of(Role.agent, Role.admin));

    private final Set<Role> roles;

    Access(Set<Role> roles) {
        this.roles = roles;
    }

    boolean allows(Role role) {
        return roles.contains(role);
    }
}
