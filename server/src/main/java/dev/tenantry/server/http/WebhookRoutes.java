package dev.tenantry.server.http;

import dev.tenantry.api.model.WebhookCreate;
import dev.tenantry.server.domain.WebhookService;

/** Webhook subscriptions: provider admins create, test and delete them; provider viewers read them and their delivery logs. */
final class WebhookRoutes {
    private final WebhookService webhooks;

    WebhookRoutes(WebhookService webhooks) {
        this.webhooks = webhooks;
    }

    void register(Routes r) {
        r.get("/v1/webhooks", Access.PROVIDER_VIEWER, ctx -> Http.json(ctx, 200, webhooks.list(ctx.queryParam("cursor"), Http.limit(ctx))));
        r.post("/v1/webhooks", Access.PROVIDER_ADMIN, ctx -> {
            var webhook = webhooks.create(Http.principal(ctx), Bodies.read(ctx, WebhookCreate.class));
            Http.created(ctx, "/v1/webhooks/" + webhook.id(), webhook);
        });
        r.get("/v1/webhooks/{id}", Access.PROVIDER_VIEWER, ctx -> Http.json(ctx, 200, webhooks.get(ctx.pathParam("id"))));
        r.delete("/v1/webhooks/{id}", Access.PROVIDER_ADMIN, ctx -> {
            webhooks.delete(Http.principal(ctx), ctx.pathParam("id"));
            ctx.status(204);
        });
        r.get("/v1/webhooks/{id}/deliveries", Access.PROVIDER_VIEWER, ctx -> Http.json(ctx, 200,
                webhooks.deliveries(ctx.pathParam("id"), ctx.queryParam("cursor"), Http.limit(ctx))));
        r.post("/v1/webhooks/{id}/test", Access.PROVIDER_ADMIN, ctx -> Http.json(ctx, 200, webhooks.test(Http.principal(ctx), ctx.pathParam("id"))));
    }
}
