package dev.tenantry.server.http;

import dev.tenantry.api.model.CustomDomain;
import dev.tenantry.server.domain.CustomDomainService;
import java.util.Map;

/** Custom domains of an instance: the provider uploads their certificates; the tenant sees them (never a key). */
final class CustomDomainRoutes {
    private static final String BASE = "/v1/tenants/{tenant}/instances/{name}/domains";
    private final CustomDomainService domains;

    CustomDomainRoutes(CustomDomainService domains) {
        this.domains = domains;
    }

    void register(Routes r) {
        r.get(BASE, Access.TENANT_VIEWER, ctx -> Http.page(ctx, domains.list(ctx.pathParam("tenant"), ctx.pathParam("name")), dev.tenantry.api.model.CustomDomain::domain));
        r.put(BASE + "/{domain}", Access.PROVIDER_ADMIN, ctx -> Http.json(ctx, 200, domains.put(Http.principal(ctx), ctx.pathParam("tenant"),
                ctx.pathParam("name"), ctx.pathParam("domain"), Bodies.readSecret(ctx, CustomDomain.Upload.class))));
        r.get("/v1/cells/{cell}/instances/{id}/domains", Access.CELL_AGENT,
                ctx -> Http.json(ctx, 200, Map.of("items", domains.servedBy(ctx.pathParam("cell"), ctx.pathParam("id")))));
        r.delete(BASE + "/{domain}", Access.PROVIDER_ADMIN, ctx -> {
            domains.delete(ctx.pathParam("tenant"), ctx.pathParam("name"), ctx.pathParam("domain"));
            ctx.status(204);
        });
    }
}
