package dev.tenantry.server.http;

import dev.tenantry.api.model.Role;
import dev.tenantry.server.domain.AccessPolicy;
import dev.tenantry.server.domain.AccessPolicy.Audience;
import io.javalin.security.RouteRole;

/** The access policies routes are declared with (see {@link AccessPolicy}); every route names one. */
enum Access implements RouteRole {
    PUBLIC(AccessPolicy.of(Audience.PUBLIC, null)),
    MEMBER_VIEWER(AccessPolicy.of(Audience.MEMBER, Role.viewer)),
    MEMBER_ADMIN(AccessPolicy.of(Audience.MEMBER, Role.admin)),
    TENANT_VIEWER(AccessPolicy.of(Audience.TENANT, Role.viewer)),
    TENANT_OPERATOR(AccessPolicy.of(Audience.TENANT, Role.operator)),
    PROVIDER_VIEWER(AccessPolicy.of(Audience.PROVIDER, Role.viewer)),
    PROVIDER_OPERATOR(AccessPolicy.of(Audience.PROVIDER, Role.operator)),
    PROVIDER_ADMIN(AccessPolicy.of(Audience.PROVIDER, Role.admin)),
    CELL_AGENT(AccessPolicy.of(Audience.CELL_AGENT, null));

    final AccessPolicy policy;

    Access(AccessPolicy policy) {
        this.policy = policy;
    }
}
