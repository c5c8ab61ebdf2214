package dev.tenantry.server.http;

import dev.tenantry.api.model.RolloutCreate;
import dev.tenantry.server.domain.RolloutService;

final class RolloutRoutes {
    private final RolloutService rollouts;

    RolloutRoutes(RolloutService rollouts) {
        this.rollouts = rollouts;
    }

    void register(Routes r) {
        r.get("/v1/rollouts", Access.READ, ctx -> Http.json(ctx, 200, rollouts.list(Http.principal(ctx), ctx.queryParam("cursor"), Http.limit(ctx))));
        r.post("/v1/rollouts", Access.WRITE, ctx -> {
            var rollout = rollouts.create(Http.principal(ctx), Bodies.read(ctx, RolloutCreate.class));
            ctx.header("Location", "/v1/rollouts/" + rollout.id());
            Http.json(ctx, 201, rollout);
        });
        r.get("/v1/rollouts/{id}", Access.READ, ctx -> Http.json(ctx, 200, rollouts.get(Http.principal(ctx), ctx.pathParam("id"))));
        r.post("/v1/rollouts/{id}/pause", Access.WRITE, ctx -> Http.json(ctx, 200, rollouts.pause(Http.principal(ctx), ctx.pathParam("id"))));
        r.post("/v1/rollouts/{id}/resume", Access.WRITE, ctx -> Http.json(ctx, 200, rollouts.resume(Http.principal(ctx), ctx.pathParam("id"))));
        r.post("/v1/rollouts/{id}/abort", Access.WRITE, ctx -> Http.json(ctx, 200, rollouts.abort(Http.principal(ctx), ctx.pathParam("id"))));
    }
}
