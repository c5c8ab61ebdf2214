package dev.tenantry.server.http;

import dev.tenantry.api.Json;
import dev.tenantry.server.domain.Principal;
import io.javalin.http.Context;

/** Small helpers shared by the route classes. */
final class Http {
    static final String PRINCIPAL = "tenantry.principal";

    private Http() {}

    static void json(Context ctx, int status, Object body) {
        String json = Json.write(body);
        if (status == 200 && ctx.method() == io.javalin.http.HandlerType.GET) ctx.header("ETag", representationTag(ctx.res().getHeader("ETag"), json));
        ctx.status(status).contentType("application/json").result(json);
    }

    /**
     * The entity tag of a representation: the object's version tag (when it has one, for If-Match) with a digest of the
     * body after a '~', so that If-None-Match sees every change, also of an instance's status, while If-Match compares
     * versions only ({@link #ifMatch}). Javalin answers a GET whose If-None-Match equals it with 304.
     */
    static String representationTag(String versionTag, String body) {
        String digest = dev.tenantry.api.Hashes.sha256(body).substring(0, 16);
        if (versionTag == null) return "\"" + digest + "\"";
        return versionTag.substring(0, versionTag.length() - 1) + "~" + digest + "\"";
    }

    /** The If-Match header as the version it names (a representation's digest after '~' dropped); null if none. */
    static String ifMatch(Context ctx) {
        String header = ctx.header("If-Match");
        return header == null ? null : header.strip().replaceFirst("~[0-9a-f]{16}\"$", "\"");
    }

    /** 201 with the created object and where it is. */
    static void created(Context ctx, String location, Object body) {
        ctx.header("Location", location);
        json(ctx, 201, body);
    }

    static Principal principal(Context ctx) {
        Principal p = ctx.attribute(PRINCIPAL);
        if (p == null) throw ProblemException.unauthorized("missing bearer token");
        return p;
    }

    /** A page of {@code all} after the request's {@code cursor}, of at most its {@code limit} items, keyed by {@code key}. */
    static <T> void page(Context ctx, java.util.List<T> all, java.util.function.Function<T, String> key) {
        json(ctx, 200, dev.tenantry.server.domain.Pages.after(all, ctx.queryParam("cursor"), limit(ctx), key));
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

    /** {@code since}: a time (2026-12-02T10:00:00Z) or how long ago (90s, 10m, 2h); not in the future. */
    static java.time.Instant since(String value) {
        if (value == null) return null;
        java.time.Instant now = java.time.Instant.now();
        java.time.Instant since;
        var ago = java.util.regex.Pattern.compile("([0-9]{1,7})([smhd])").matcher(value);
        if (ago.matches()) {
            long n = Long.parseLong(ago.group(1));
            since = now.minus(switch (ago.group(2)) {
                case "s" -> java.time.Duration.ofSeconds(n);
                case "m" -> java.time.Duration.ofMinutes(n);
                case "h" -> java.time.Duration.ofHours(n);
                default -> java.time.Duration.ofDays(n);
            });
        } else {
            try {
                since = java.time.Instant.parse(value);
            } catch (java.time.format.DateTimeParseException e) {
                throw ProblemException.badRequest("since", "since must be a time (2026-12-02T10:00:00Z) or a duration ago (90s, 10m, 2h, 1d)");
            }
        }
        if (since.isAfter(now.plusSeconds(1))) throw ProblemException.badRequest("since", "since must not be in the future");
        return since;
    }

}
