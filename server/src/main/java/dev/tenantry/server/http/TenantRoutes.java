package dev.tenantry.server.http;

import dev.tenantry.api.model.TenantCreate;
import dev.tenantry.server.domain.TenantService;

final class TenantRoutes {
    private final TenantService tenants;

    TenantRoutes(TenantService tenants) {
        this.tenants = tenants;
    }

    void register(Routes r) {
        r.get("/v1/tenants", Access.MEMBER_VIEWER, ctx -> Http.json(ctx, 200,
                tenants.list(Http.principal(ctx), ctx.queryParam("cursor"), Http.limit(ctx))));
        r.post("/v1/tenants", Access.PROVIDER_OPERATOR, ctx -> {
            var tenant = tenants.create(Http.principal(ctx), Bodies.read(ctx, TenantCreate.class));
            ctx.header("Location", "/v1/tenants/" + tenant.id());
            Http.json(ctx, 201, tenant);
        });
        r.get("/v1/tenants/{tenant}", Access.TENANT_VIEWER, ctx -> Http.json(ctx, 200, tenants.get(Http.principal(ctx), ctx.pathParam("tenant"))));
        r.put("/v1/tenants/{tenant}/labels", Access.PROVIDER_ADMIN, ctx -> Http.json(ctx, 200, tenants.setLabels(Http.principal(ctx),
                ctx.pathParam("tenant"), Bodies.read(ctx, dev.tenantry.api.model.TenantLabels.class).labels())));
        r.put("/v1/tenants/{tenant}/maintenance-window", Access.TENANT_OPERATOR, ctx -> Http.json(ctx, 200, tenants.setMaintenanceWindow(Http.principal(ctx),
                ctx.pathParam("tenant"), Bodies.read(ctx, dev.tenantry.api.model.MaintenanceWindow.class))));
        r.delete("/v1/tenants/{tenant}/maintenance-window", Access.TENANT_OPERATOR, ctx -> Http.json(ctx, 200,
                tenants.setMaintenanceWindow(Http.principal(ctx), ctx.pathParam("tenant"), null)));
        r.get("/v1/tenants/{tenant}/quota", Access.TENANT_VIEWER, ctx -> Http.json(ctx, 200, tenants.quota(Http.principal(ctx), ctx.pathParam("tenant"))));
        r.put("/v1/tenants/{tenant}/quota", Access.PROVIDER_ADMIN, ctx -> Http.json(ctx, 200, tenants.setQuota(Http.principal(ctx),
                ctx.pathParam("tenant"), Bodies.read(ctx, dev.tenantry.api.model.Quota.class))));
        r.delete("/v1/tenants/{tenant}/quota", Access.PROVIDER_ADMIN, ctx -> Http.json(ctx, 200,
                tenants.setQuota(Http.principal(ctx), ctx.pathParam("tenant"), null)));
        r.delete("/v1/tenants/{tenant}", Access.PROVIDER_OPERATOR, ctx -> {
            tenants.delete(Http.principal(ctx), ctx.pathParam("tenant"));
            ctx.status(204);
        });
    }
}
