package dev.tenantry.server.http;

import dev.tenantry.server.domain.AuditService;

final class AuditRoutes {
    private final AuditService audit;

    AuditRoutes(AuditService audit) {
        this.audit = audit;
    }

    void register(Routes r) {
        r.get("/v1/audit", Access.MEMBER_VIEWER, ctx -> {
            String cursor = ctx.queryParam("cursor");
            if (cursor != null && !cursor.matches("[0-9]{1,18}")) throw ProblemException.badRequest("cursor", "cursor is not valid");
            Http.json(ctx, 200, audit.list(Http.principal(ctx), ctx.queryParam("tenant"), cursor, Http.limit(ctx)));
        });
    }
}
