package dev.tenantry.server.http;

import dev.tenantry.api.model.ReleasePin;
import dev.tenantry.api.model.RolloutCreate;
import java.util.Map;
import dev.tenantry.server.domain.RolloutService;

final class RolloutRoutes {
    private final RolloutService rollouts;

    RolloutRoutes(RolloutService rollouts) {
        this.rollouts = rollouts;
    }

    /** An instance of a rollout, by tenant and name. */
    record InstanceRef(String tenant, String name) {}

    /** The release of a pin request; a 400 naming {@code release} without one. */
    private static String pinned(io.javalin.http.Context ctx) {
        ReleasePin pin = Bodies.read(ctx, ReleasePin.class);
        if (pin.release() == null || pin.release().isBlank()) throw ProblemException.badRequest("release", "is required");
        return pin.release();
    }

    void register(Routes r) {
        r.get("/v1/rollouts", Access.PROVIDER_VIEWER, ctx -> Http.json(ctx, 200, rollouts.list(Http.principal(ctx), ctx.queryParam("cursor"), Http.limit(ctx))));
        r.post("/v1/rollouts", Access.PROVIDER_OPERATOR, ctx -> {
            var rollout = rollouts.create(Http.principal(ctx), Bodies.read(ctx, RolloutCreate.class));
            ctx.header("Location", "/v1/rollouts/" + rollout.id());
            Http.json(ctx, 201, rollout);
        });
        r.get("/v1/rollouts/{id}", Access.PROVIDER_VIEWER, ctx -> Http.json(ctx, 200, rollouts.get(Http.principal(ctx), ctx.pathParam("id"))));
        r.post("/v1/rollouts/{id}/pause", Access.PROVIDER_OPERATOR, ctx -> Http.json(ctx, 200, rollouts.pause(Http.principal(ctx), ctx.pathParam("id"))));
        r.post("/v1/rollouts/{id}/resume", Access.PROVIDER_OPERATOR, ctx -> Http.json(ctx, 200, rollouts.resume(Http.principal(ctx), ctx.pathParam("id"))));
        r.put("/v1/tenants/{tenant}/instances/{name}/pin", Access.TENANT_OPERATOR, ctx -> Http.json(ctx, 200, rollouts.pinInstance(Http.principal(ctx),
                ctx.pathParam("tenant"), ctx.pathParam("name"), pinned(ctx)).toApi()));
        r.delete("/v1/tenants/{tenant}/instances/{name}/pin", Access.TENANT_OPERATOR, ctx -> Http.json(ctx, 200,
                rollouts.pinInstance(Http.principal(ctx), ctx.pathParam("tenant"), ctx.pathParam("name"), null).toApi()));
        r.put("/v1/tenants/{tenant}/pins/{service}", Access.TENANT_OPERATOR, ctx -> {
            String release = pinned(ctx);
            rollouts.pinTenant(Http.principal(ctx), ctx.pathParam("tenant"), ctx.pathParam("service"), release);
            Http.json(ctx, 200, Map.of("tenant", ctx.pathParam("tenant"), "service", ctx.pathParam("service"), "release", release));
        });
        r.delete("/v1/tenants/{tenant}/pins/{service}", Access.TENANT_OPERATOR, ctx -> {
            rollouts.pinTenant(Http.principal(ctx), ctx.pathParam("tenant"), ctx.pathParam("service"), null);
            ctx.status(204);
        });
        r.post("/v1/rollouts/{id}/approve", Access.PROVIDER_OPERATOR, ctx -> Http.json(ctx, 200, rollouts.approve(Http.principal(ctx), ctx.pathParam("id"))));
        r.get("/v1/protection", Access.PROVIDER_VIEWER, ctx -> Http.json(ctx, 200, rollouts.protection(Http.principal(ctx))));
        r.put("/v1/protection", Access.PROVIDER_ADMIN, ctx -> Http.json(ctx, 200, rollouts.setProtection(Http.principal(ctx),
                Bodies.read(ctx, dev.tenantry.api.model.Protection.class))));
        r.post("/v1/rollouts/{id}/rollback", Access.PROVIDER_OPERATOR, ctx -> Http.json(ctx, 200, rollouts.rollback(Http.principal(ctx), ctx.pathParam("id"))));
        r.post("/v1/rollouts/{id}/skip", Access.PROVIDER_OPERATOR, ctx -> {
            InstanceRef ref = Bodies.read(ctx, InstanceRef.class);
            if (ref.tenant() == null || ref.name() == null) throw ProblemException.badRequest("name", "give the instance's tenant and name");
            Http.json(ctx, 200, rollouts.skip(Http.principal(ctx), ctx.pathParam("id"), ref.tenant(), ref.name()));
        });
        r.post("/v1/rollouts/{id}/abort", Access.PROVIDER_OPERATOR, ctx -> Http.json(ctx, 200, rollouts.abort(Http.principal(ctx), ctx.pathParam("id"))));
    }
}
