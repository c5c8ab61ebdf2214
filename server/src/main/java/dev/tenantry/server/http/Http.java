package dev.tenantry.server.http;

import dev.tenantry.api.Json;
import dev.tenantry.server.domain.Principal;
import io.javalin.http.Context;

/** Small helpers shared by the route classes. */
final class Http {
    static final String PRINCIPAL = "tenantry.principal";

    private Http() {}

    static void json(Context ctx, int status, Object body) {
        ctx.status(status).contentType("application/json").result(Json.write(body));
    }

    static Principal principal(Context ctx) {
        Principal p = ctx.attribute(PRINCIPAL);
        if (p == null) throw ProblemException.unauthorized("missing bearer token");
        return p;
    }

    static int limit(Context ctx) {
        String raw = ctx.queryParam("limit");
        if (raw == null) return 100;
        try {
            int limit = Integer.parseInt(raw);
            if (limit < 1 || limit > 1000) throw ProblemException.badRequest("limit", "limit must be between 1 and 1000");
            return limit;
        } catch (NumberFormatException e) {
            throw ProblemException.badRequest("limit", "limit must be a number");
        }
    }

    static long longParam(Context ctx, String name, long fallback) {
        String raw = ctx.queryParam(name);
        if (raw == null || raw.isEmpty()) return fallback;
        try {
            return Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw ProblemException.badRequest(name, name + " must be a number");
        }
    }
}
