package dev.tenantry.server.http;

import dev.tenantry.api.model.DatabaseServerCreate;
import dev.tenantry.server.domain.DatabaseService;
import java.util.Map;

/** Database servers (provider admins register them; their admin passwords never leave) and an instance's database (its tenant reads it). */
final class DatabaseRoutes {
    private final DatabaseService databases;

    DatabaseRoutes(DatabaseService databases) {
        this.databases = databases;
    }

    void register(Routes r) {
        r.get("/v1/database-servers", Access.PROVIDER_VIEWER, ctx -> Http.page(ctx, databases.servers(), dev.tenantry.api.model.DatabaseServer::name));
        r.post("/v1/database-servers", Access.PROVIDER_ADMIN, ctx -> {
            var server = databases.register(Http.principal(ctx), Bodies.readSecret(ctx, DatabaseServerCreate.class));
            ctx.header("Location", "/v1/database-servers/" + server.name());
            Http.json(ctx, 201, server);
        });
        r.get("/v1/database-servers/{server}", Access.PROVIDER_VIEWER, ctx -> Http.json(ctx, 200, databases.server(ctx.pathParam("server"))));
        r.delete("/v1/database-servers/{server}", Access.PROVIDER_ADMIN, ctx -> {
            databases.deregister(Http.principal(ctx), ctx.pathParam("server"));
            ctx.status(204);
        });
        r.get("/v1/tenants/{tenant}/instances/{name}/database", Access.TENANT_VIEWER, ctx -> Http.json(ctx, 200,
                databases.ofInstance(Http.principal(ctx), ctx.pathParam("tenant"), ctx.pathParam("name"))));
        r.post("/v1/tenants/{tenant}/instances/{name}/database/rotate", Access.TENANT_OPERATOR, ctx -> {
            var accepted = databases.rotate(Http.principal(ctx), ctx.pathParam("tenant"), ctx.pathParam("name"), Http.ifMatch(ctx));
            ctx.header("ETag", accepted.instance().etag());
            ctx.header("Operation-Location", "/v1/operations/" + accepted.operation().id());
            Http.json(ctx, 202, Map.of("instance", accepted.instance().toApi(), "operation", accepted.operation()));
        });
    }
}
