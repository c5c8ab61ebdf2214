package dev.tenantry.server.http;

import dev.tenantry.api.Json;
import dev.tenantry.api.model.ChainedAuditEntry;
import dev.tenantry.server.domain.AuditService;
import java.util.List;
import java.util.Map;

final class AuditRoutes {
    static final int MAX_EXPORT = 10_000;
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
        r.get("/v1/audit/verify", Access.PROVIDER_VIEWER, ctx -> Http.json(ctx, 200, audit.verify()));
        r.get("/v1/audit/export", Access.PROVIDER_VIEWER, ctx -> {
            long after = nonNegative(Http.longParam(ctx, "after", 0), "after");
            int limit = (int) Http.longParam(ctx, "limit", 1000);
            if (limit < 1 || limit > MAX_EXPORT) throw ProblemException.badRequest("limit", "limit must be between 1 and " + MAX_EXPORT);
            List<ChainedAuditEntry> records = audit.export(after, limit);
            StringBuilder lines = new StringBuilder();
            for (ChainedAuditEntry record : records) lines.append(Json.write(record)).append('\n');
            ctx.status(200).contentType("application/x-ndjson").result(lines.toString());
        });
        r.get("/v1/audit/checkpoints", Access.PROVIDER_VIEWER, ctx -> {
            long after = nonNegative(Http.longParam(ctx, "after", 0), "after");
            Http.json(ctx, 200, Map.of("items", audit.checkpoints(after, Http.limit(ctx))));
        });
        r.post("/v1/audit/checkpoints", Access.PROVIDER_ADMIN, ctx -> {
            var written = audit.checkpoint();
            if (written.isPresent()) Http.json(ctx, 201, written.get());
            else ctx.status(204);
        });
        r.get("/v1/audit/checkpoint-key", Access.PROVIDER_VIEWER,
                ctx -> ctx.status(200).contentType("application/x-pem-file").result(audit.checkpointKey()));
    }

    private static long nonNegative(long value, String field) {
        if (value < 0) throw ProblemException.badRequest(field, field + " must not be negative");
        return value;
    }
}
