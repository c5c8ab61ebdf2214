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
        r.get("/v1/services", Access.MEMBER_VIEWER, ctx -> Http.json(ctx, 200, java.util.Map.of("items", catalog.services())));
        r.post("/v1/services", Access.PROVIDER_ADMIN, ctx -> Http.json(ctx, 201,
                catalog.createService(Http.principal(ctx), Bodies.read(ctx, ServiceCreate.class))));
        r.get("/v1/services/{service}", Access.MEMBER_VIEWER, ctx -> Http.json(ctx, 200, catalog.service(ctx.pathParam("service"))));
        r.get("/v1/services/{service}/releases", Access.MEMBER_VIEWER, ctx -> Http.json(ctx, 200,
                java.util.Map.of("items", catalog.releases(ctx.pathParam("service")))));
        r.post("/v1/services/{service}/releases", Access.PROVIDER_ADMIN, ctx -> Http.json(ctx, 201,
                catalog.createRelease(Http.principal(ctx), ctx.pathParam("service"), Bodies.read(ctx, ReleaseCreate.class))));
        r.get("/v1/services/{service}/releases/{version}", Access.MEMBER_VIEWER, ctx -> Http.json(ctx, 200,
                catalog.release(ctx.pathParam("service"), ctx.pathParam("version"))));
        r.get("/v1/services/{service}/plans", Access.MEMBER_VIEWER, ctx -> Http.json(ctx, 200,
                java.util.Map.of("items", catalog.plans(ctx.pathParam("service")))));
        r.post("/v1/services/{service}/plans", Access.PROVIDER_ADMIN, ctx -> Http.json(ctx, 201,
                catalog.createPlan(Http.principal(ctx), ctx.pathParam("service"), Bodies.read(ctx, PlanCreate.class))));
        r.get("/v1/services/{service}/plans/{plan}", Access.MEMBER_VIEWER, ctx -> Http.json(ctx, 200,
                catalog.plan(ctx.pathParam("service"), ctx.pathParam("plan"))));
    }
}
