package dev.tenantry.server.http;

import dev.tenantry.api.model.SecretValue;
import dev.tenantry.server.domain.SecretService;
import dev.tenantry.server.domain.SecretService.Scope;
import io.javalin.http.Context;
import java.util.Map;
import java.util.function.Function;

/**
 * Secrets of a service (provider) and of a tenant (set by the provider, listed by the tenant too): names, versions and
 * history, never values; the values only for the agent of the cell an instance runs on.
 */
final class SecretRoutes {
    private final SecretService secrets;

    SecretRoutes(SecretService secrets) {
        this.secrets = secrets;
    }

    void register(Routes r) {
        register(r, "/v1/services/{service}/secrets", ctx -> Scope.service(ctx.pathParam("service")), Access.PROVIDER_VIEWER);
        register(r, "/v1/tenants/{tenant}/secrets", ctx -> Scope.tenant(ctx.pathParam("tenant")), Access.TENANT_VIEWER);
        r.get("/v1/cells/{cell}/instances/{id}/secrets", Access.CELL_AGENT,
                ctx -> Http.json(ctx, 200, Map.of("values", secrets.valuesFor(ctx.pathParam("cell"), ctx.pathParam("id")))));
    }

    private void register(Routes r, String base, Function<Context, Scope> scope, Access readers) {
        r.get(base, readers, ctx -> Http.page(ctx, secrets.list(scope.apply(ctx)), dev.tenantry.api.model.SecretInfo::name));
        r.get(base + "/{name}", readers, ctx -> Http.json(ctx, 200, secrets.get(scope.apply(ctx), ctx.pathParam("name"))));
        r.put(base + "/{name}", Access.PROVIDER_ADMIN, ctx -> Http.json(ctx, 200,
                secrets.set(Http.principal(ctx), scope.apply(ctx), ctx.pathParam("name"), Bodies.readSecret(ctx, SecretValue.class))));
        r.delete(base + "/{name}", Access.PROVIDER_ADMIN, ctx -> {
            secrets.delete(Http.principal(ctx), scope.apply(ctx), ctx.pathParam("name"));
            ctx.status(204);
        });
    }
}
