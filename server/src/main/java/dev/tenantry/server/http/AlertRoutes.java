package dev.tenantry.server.http;

import dev.tenantry.api.model.AlertOverride;
import dev.tenantry.server.domain.AlertService;
import java.util.Map;

/** Alerts (a tenant's token sees its own) and the built-in rules with their overrides (changed by provider admins). */
final class AlertRoutes {
    private final AlertService alerts;

    AlertRoutes(AlertService alerts) {
        this.alerts = alerts;
    }

    void register(Routes r) {
        r.get("/v1/alerts", Access.MEMBER_VIEWER, ctx -> Http.json(ctx, 200, alerts.list(Http.principal(ctx), ctx.queryParam("tenant"),
                ctx.queryParam("state"), ctx.queryParam("rule"), ctx.queryParam("cursor"), Http.limit(ctx))));
        r.get("/v1/alerts/{id}", Access.MEMBER_VIEWER, ctx -> Http.json(ctx, 200, alerts.get(Http.principal(ctx), ctx.pathParam("id"))));
        r.get("/v1/alert-rules", Access.MEMBER_VIEWER, ctx -> Http.page(ctx, alerts.rules(Http.principal(ctx)), dev.tenantry.api.model.AlertRuleInfo::name));
        r.put("/v1/alert-rules/{rule}/overrides", Access.PROVIDER_ADMIN, ctx -> Http.json(ctx, 200,
                alerts.putOverride(Http.principal(ctx), ctx.pathParam("rule"), Bodies.read(ctx, AlertOverride.class))));
        r.delete("/v1/alert-rules/{rule}/overrides", Access.PROVIDER_ADMIN, ctx -> {
            alerts.deleteOverride(Http.principal(ctx), ctx.pathParam("rule"), ctx.queryParam("tenant"), ctx.queryParam("service"), ctx.queryParam("plan"));
            ctx.status(204);
        });
    }
}
