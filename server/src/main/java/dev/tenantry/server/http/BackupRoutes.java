package dev.tenantry.server.http;

import dev.tenantry.api.model.Backup;
import dev.tenantry.api.model.BackupRestore;
import dev.tenantry.server.domain.BackupService;
import dev.tenantry.server.domain.InstanceService;
import java.util.Map;

/** An instance's database backups: its tenant's operators take and restore them, its viewers list them. */
final class BackupRoutes {
    private static final String BASE = "/v1/tenants/{tenant}/instances/{name}/backups";
    private final BackupService backups;

    BackupRoutes(BackupService backups) {
        this.backups = backups;
    }

    void register(Routes r) {
        r.get(BASE, Access.TENANT_VIEWER, ctx -> Http.page(ctx,
                backups.list(Http.principal(ctx), ctx.pathParam("tenant"), ctx.pathParam("name")), dev.tenantry.api.model.Backup::id));
        r.post(BASE, Access.TENANT_OPERATOR, ctx -> {
            Backup backup = backups.request(Http.principal(ctx), ctx.pathParam("tenant"), ctx.pathParam("name"));
            ctx.header("Location", "/v1/tenants/" + backup.tenant() + "/instances/" + backup.instance() + "/backups/" + backup.id());
            ctx.header("Operation-Location", "/v1/operations/" + backup.operation());
            Http.json(ctx, 202, backup);
        });
        r.get(BASE + "/{backup}", Access.TENANT_VIEWER, ctx -> Http.json(ctx, 200,
                backups.get(Http.principal(ctx), ctx.pathParam("tenant"), ctx.pathParam("name"), ctx.pathParam("backup"))));
        r.post(BASE + "/{backup}/restore", Access.TENANT_OPERATOR, ctx -> {
            String body = ctx.body();
            BackupRestore request = body.isBlank() ? new BackupRestore(null) : Bodies.read(ctx, BackupRestore.class);
            InstanceService.Accepted accepted = backups.restore(Http.principal(ctx), ctx.pathParam("tenant"), ctx.pathParam("name"),
                    ctx.pathParam("backup"), request, Http.ifMatch(ctx));
            ctx.header("ETag", accepted.instance().etag());
            ctx.header("Operation-Location", "/v1/operations/" + accepted.operation().id());
            Http.json(ctx, 202, Map.of("instance", accepted.instance().toApi(), "operation", accepted.operation()));
        });
    }
}
