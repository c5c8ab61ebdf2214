package dev.tenantry.server.http;

import dev.tenantry.api.model.PlanCreate;
import dev.tenantry.api.model.ReleaseCreate;
import dev.tenantry.api.model.ServiceCreate;
import dev.tenantry.server.domain.CatalogService;

/** Services, releases and plans. Every token of a person reads the catalog; only provider admins change it. */
final class CatalogRoutes {
    private final CatalogService catalog;

    CatalogRoutes(CatalogService catalog) {
        this.catalog = catalog;
    }

    void register(Routes r) {
        r.get("/v1/services", Access.MEMBER_VIEWER, ctx -> Http.page(ctx, catalog.services(), dev.tenantry.api.model.Service::name));
        r.post("/v1/services", Access.PROVIDER_ADMIN, ctx -> {
            var service = catalog.createService(Http.principal(ctx), Bodies.read(ctx, ServiceCreate.class));
            Http.created(ctx, "/v1/services/" + service.name(), service);
        });
        r.get("/v1/services/{service}", Access.MEMBER_VIEWER, ctx -> Http.json(ctx, 200, catalog.service(ctx.pathParam("service"))));
        r.get("/v1/services/{service}/releases", Access.MEMBER_VIEWER, ctx -> Http.page(ctx,
                catalog.releases(ctx.pathParam("service")), dev.tenantry.api.model.Release::version));
        r.post("/v1/services/{service}/releases", Access.PROVIDER_ADMIN, ctx -> {
            var release = catalog.createRelease(Http.principal(ctx), ctx.pathParam("service"), Bodies.read(ctx, ReleaseCreate.class));
            Http.created(ctx, "/v1/services/" + release.service() + "/releases/" + release.version(), release);
        });
        r.get("/v1/services/{service}/releases/{version}", Access.MEMBER_VIEWER, ctx -> Http.json(ctx, 200,
                catalog.release(ctx.pathParam("service"), ctx.pathParam("version"))));
        r.get("/v1/services/{service}/plans", Access.MEMBER_VIEWER, ctx -> Http.page(ctx,
                catalog.plans(ctx.pathParam("service")), dev.tenantry.api.model.Plan::name));
        r.post("/v1/services/{service}/plans", Access.PROVIDER_ADMIN, ctx -> {
            var plan = catalog.createPlan(Http.principal(ctx), ctx.pathParam("service"), Bodies.read(ctx, PlanCreate.class));
            Http.created(ctx, "/v1/services/" + plan.service() + "/plans/" + plan.name(), plan);
        });
        r.get("/v1/services/{service}/plans/{plan}", Access.MEMBER_VIEWER, ctx -> Http.json(ctx, 200,
                catalog.plan(ctx.pathParam("service"), ctx.pathParam("plan"))));
    }
}
