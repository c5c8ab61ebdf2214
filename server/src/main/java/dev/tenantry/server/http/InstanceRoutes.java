package dev.tenantry.server.http;

import dev.tenantry.api.model.InstanceCreate;
import dev.tenantry.api.model.InstanceScale;
import dev.tenantry.api.model.InstanceUpdate;
import dev.tenantry.api.model.Page;
import dev.tenantry.server.store.InstanceRecord;
import dev.tenantry.server.domain.InstanceService;
import java.util.Map;

final class InstanceRoutes {
    private final InstanceService instances;

    InstanceRoutes(InstanceService instances) {
        this.instances = instances;
    }

    void register(Routes r) {
        r.get("/v1/tenants/{tenant}/instances", Access.TENANT_VIEWER, ctx -> {
            Page<InstanceRecord> page = instances.list(Http.principal(ctx), ctx.pathParam("tenant"), ctx.queryParam("cursor"),
                    Http.limit(ctx), "true".equals(ctx.queryParam("includeDeleted")));
            Http.json(ctx, 200, new Page<>(page.items().stream().map(InstanceRecord::toApi).toList(), page.nextCursor()));
        });
        r.post("/v1/tenants/{tenant}/instances", Access.TENANT_OPERATOR, ctx -> {
            InstanceService.Accepted accepted = instances.create(Http.principal(ctx), ctx.pathParam("tenant"), Bodies.read(ctx, InstanceCreate.class),
                    ctx.header("Idempotency-Key"));
            if (accepted.replayed()) ctx.header("Idempotent-Replayed", "true");
            ctx.header("Location", "/v1/tenants/" + accepted.instance().tenant() + "/instances/" + accepted.instance().name());
            ctx.header("Operation-Location", "/v1/operations/" + accepted.operation().id());
            Http.json(ctx, 202, Map.of("instance", accepted.instance().toApi(), "operation", accepted.operation()));
        });
        r.get("/v1/tenants/{tenant}/instances/{name}", Access.TENANT_VIEWER, ctx -> {
            InstanceRecord instance = instances.get(Http.principal(ctx), ctx.pathParam("tenant"), ctx.pathParam("name"));
            ctx.header("ETag", instance.etag());
            Http.json(ctx, 200, instance.toApi());
        });
        r.get("/v1/tenants/{tenant}/instances/{name}/releases", Access.TENANT_VIEWER, ctx -> Http.page(ctx,
                instances.releases(Http.principal(ctx), ctx.pathParam("tenant"), ctx.pathParam("name")), dev.tenantry.api.model.ReleaseChange::operation));
        r.patch("/v1/tenants/{tenant}/instances/{name}", Access.TENANT_OPERATOR, ctx -> accepted(ctx, instances.update(Http.principal(ctx),
                ctx.pathParam("tenant"), ctx.pathParam("name"), Http.ifMatch(ctx), Bodies.read(ctx, InstanceUpdate.class))));
        r.post("/v1/tenants/{tenant}/instances/{name}/scale", Access.TENANT_OPERATOR, ctx -> accepted(ctx, instances.scale(Http.principal(ctx),
                ctx.pathParam("tenant"), ctx.pathParam("name"), Http.ifMatch(ctx), Bodies.read(ctx, InstanceScale.class))));
        r.post("/v1/tenants/{tenant}/instances/{name}/stop", Access.TENANT_OPERATOR, ctx -> accepted(ctx, instances.stop(Http.principal(ctx),
                ctx.pathParam("tenant"), ctx.pathParam("name"), Http.ifMatch(ctx))));
        r.post("/v1/tenants/{tenant}/instances/{name}/start", Access.TENANT_OPERATOR, ctx -> accepted(ctx, instances.start(Http.principal(ctx),
                ctx.pathParam("tenant"), ctx.pathParam("name"), Http.ifMatch(ctx))));
        r.post("/v1/tenants/{tenant}/instances/{name}/hibernate", Access.TENANT_OPERATOR, ctx -> accepted(ctx, instances.hibernate(Http.principal(ctx),
                ctx.pathParam("tenant"), ctx.pathParam("name"), Http.ifMatch(ctx))));
        r.post("/v1/tenants/{tenant}/instances/{name}/wake", Access.TENANT_OPERATOR, ctx -> accepted(ctx, instances.wake(Http.principal(ctx),
                ctx.pathParam("tenant"), ctx.pathParam("name"), Http.ifMatch(ctx))));
        r.post("/v1/tenants/{tenant}/instances/{name}/restart", Access.TENANT_OPERATOR, ctx -> accepted(ctx, instances.restart(Http.principal(ctx),
                ctx.pathParam("tenant"), ctx.pathParam("name"), Http.ifMatch(ctx))));
        r.delete("/v1/tenants/{tenant}/instances/{name}", Access.TENANT_OPERATOR, ctx -> {
            InstanceService.Accepted accepted = instances.delete(Http.principal(ctx), ctx.pathParam("tenant"), ctx.pathParam("name"));
            ctx.header("Operation-Location", "/v1/operations/" + accepted.operation().id());
            Http.json(ctx, 202, Map.of("instance", accepted.instance().toApi(), "operation", accepted.operation()));
        });
        r.post("/v1/tenants/{tenant}/instances/{name}/restore", Access.TENANT_OPERATOR, ctx -> accepted(ctx, instances.deleted().restore(Http.principal(ctx),
                ctx.pathParam("tenant"), ctx.pathParam("name"), Http.ifMatch(ctx))));
        r.post("/v1/tenants/{tenant}/instances/{name}/purge", Access.TENANT_OPERATOR, ctx -> accepted(ctx, instances.deleted().purge(Http.principal(ctx),
                ctx.pathParam("tenant"), ctx.pathParam("name"), Http.ifMatch(ctx))));
        r.get("/v1/operations/{id}", Access.MEMBER_VIEWER, ctx -> Http.json(ctx, 200, instances.operation(Http.principal(ctx), ctx.pathParam("id"))));
    }

    /** 202 with the instance (and its new ETag) and the operation that carries the change out. */
    private static void accepted(io.javalin.http.Context ctx, InstanceService.Accepted accepted) {
        ctx.header("ETag", accepted.instance().etag());
        ctx.header("Operation-Location", "/v1/operations/" + accepted.operation().id());
        Http.json(ctx, 202, Map.of("instance", accepted.instance().toApi(), "operation", accepted.operation()));
    }
}
