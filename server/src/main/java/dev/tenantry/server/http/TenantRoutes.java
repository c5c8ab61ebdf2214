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
            ctx.header("ETag", tenant.etag());
            Http.json(ctx, 201, tenant);
        });
        r.get("/v1/tenants/{tenant}", Access.TENANT_VIEWER, ctx -> tenant(ctx, tenants.get(Http.principal(ctx), ctx.pathParam("tenant"))));
        r.put("/v1/tenants/{tenant}/labels", Access.PROVIDER_ADMIN, ctx -> tenant(ctx, tenants.setLabels(Http.principal(ctx),
                ctx.pathParam("tenant"), Bodies.read(ctx, dev.tenantry.api.model.TenantLabels.class).labels(), Http.ifMatch(ctx))));
        r.put("/v1/tenants/{tenant}/maintenance-window", Access.TENANT_OPERATOR, ctx -> tenant(ctx, tenants.setMaintenanceWindow(Http.principal(ctx),
                ctx.pathParam("tenant"), Bodies.read(ctx, dev.tenantry.api.model.MaintenanceWindow.class), Http.ifMatch(ctx))));
        r.delete("/v1/tenants/{tenant}/maintenance-window", Access.TENANT_OPERATOR, ctx -> tenant(ctx,
                tenants.setMaintenanceWindow(Http.principal(ctx), ctx.pathParam("tenant"), null, Http.ifMatch(ctx))));
        r.get("/v1/tenants/{tenant}/quota", Access.TENANT_VIEWER, ctx -> Http.json(ctx, 200, tenants.quota(Http.principal(ctx), ctx.pathParam("tenant"))));
        r.put("/v1/tenants/{tenant}/quota", Access.PROVIDER_ADMIN, ctx -> tenant(ctx, tenants.setQuota(Http.principal(ctx),
                ctx.pathParam("tenant"), Bodies.read(ctx, dev.tenantry.api.model.Quota.class), Http.ifMatch(ctx))));
        r.delete("/v1/tenants/{tenant}/quota", Access.PROVIDER_ADMIN, ctx -> tenant(ctx,
                tenants.setQuota(Http.principal(ctx), ctx.pathParam("tenant"), null, Http.ifMatch(ctx))));
        r.delete("/v1/tenants/{tenant}", Access.PROVIDER_OPERATOR, ctx -> {
            tenants.delete(Http.principal(ctx), ctx.pathParam("tenant"), Http.ifMatch(ctx));
            ctx.status(204);
        });
    }

    /** The tenant with its ETag (a GET with a matching If-None-Match gets 304). */
    private static void tenant(io.javalin.http.Context ctx, dev.tenantry.api.model.Tenant tenant) {
        ctx.header("ETag", tenant.etag());
        Http.json(ctx, 200, tenant);
    }
}
