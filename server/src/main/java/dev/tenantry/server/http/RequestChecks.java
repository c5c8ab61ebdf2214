package dev.tenantry.server.http;

import io.javalin.http.Context;
import java.util.regex.Pattern;

/**
 * Checks every request's URI before any route sees it: percent-encoding must be well formed ({@code %u0061} is not),
 * and no NUL may hide in the path or the query (PostgreSQL cannot store one, and no name or cursor has one).
 */
final class RequestChecks {
    private static final Pattern BAD_PERCENT = Pattern.compile("%(?![0-9A-Fa-f]{2})");
    private static final Pattern NUL = Pattern.compile("%00");

    private RequestChecks() {}

    static void check(Context ctx) {
        String uri = ctx.req().getRequestURI();
        String query = ctx.queryString() == null ? "" : ctx.queryString();
        for (String part : new String[] {uri, query}) {
            if (BAD_PERCENT.matcher(part).find()) {
                throw new ProblemException(400, "bad-request", "the request URI has a malformed percent-encoding", null);
            }
            if (NUL.matcher(part).find() || part.indexOf('\0') >= 0) {
                throw new ProblemException(400, "bad-request", "the request URI contains a NUL character", null);
            }
        }
    }
}
