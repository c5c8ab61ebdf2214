package dev.tenantry.server.http;

import dev.tenantry.api.Hashes;
import dev.tenantry.api.validation.FieldError;
import dev.tenantry.server.domain.IdempotentRequests;
import dev.tenantry.server.domain.Principal;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code Idempotency-Key} on every POST of a person's token: a retry with the same key and request gets the first
 * answer again (with {@code Idempotent-Replayed: true}); the same key with another request is refused (422), and one
 * whose first request is still being served gets 409, as does one whose first request was carried out by a server
 * that stopped before keeping the answer. Instance creation keeps its key in its own transaction.
 */
final class IdempotencyKeys {
    static final String HEADER = "Idempotency-Key";
    private static final String CLAIM = "tenantry.idempotency-claim";
    private static final String OWN_TRANSACTION = "/v1/tenants/{tenant}/instances";
    private static final List<String> KEPT_HEADERS = List.of("Location", "ETag", "Operation-Location", "Content-Type");

    private final IdempotentRequests requests;

    IdempotencyKeys(IdempotentRequests requests) {
        this.requests = requests;
    }

    private record Claim(String scope, String key) {}

    void before(Context ctx, String route, Access access) {
        IdempotentRequests.unbind(); // whatever a request that ended without its after-handlers left on this thread
        String key = ctx.header(HEADER);
        if (key == null || ctx.method() != HandlerType.POST || access == Access.PUBLIC || access == Access.CELL_AGENT) return;
        if (key.isBlank() || key.length() > IdempotentRequests.MAX_KEY_LENGTH) {
            throw ProblemException.badRequest(HEADER, "must be 1 to " + IdempotentRequests.MAX_KEY_LENGTH + " characters");
        }
        if (route.equals(OWN_TRANSACTION)) return;
        Principal who = Http.principal(ctx);
        String scope = "request/" + who.tokenId();
        String hash = Hashes.sha256("POST " + ctx.path() + "\n" + ctx.body());
        switch (requests.start(scope, key, hash)) {
            case IdempotentRequests.Claimed c -> {
                ctx.attribute(CLAIM, new Claim(scope, key));
                IdempotentRequests.bind(scope, key);
            }
            case IdempotentRequests.Replay replay -> {
                replay.headers().forEach(ctx::header);
                ctx.header("Idempotent-Replayed", "true");
                ctx.status(replay.status());
                if (replay.body() != null) ctx.result(replay.body());
                ctx.skipRemainingHandlers();
            }
            case IdempotentRequests.InFlight f -> throw new ProblemException(409, "conflict",
                    "a request with this Idempotency-Key is still being served; retry later", List.of(new FieldError(HEADER, "in use")));
            case IdempotentRequests.Mismatch m -> throw new dev.tenantry.server.domain.IdempotencyKeyReusedException();
            case IdempotentRequests.CarriedOut done -> throw new ProblemException(409, "conflict", "the request with this Idempotency-Key was"
                    + " carried out at " + done.at() + ", but the server stopped before it kept the answer; look at what it made or changed"
                    + " (or the audit trail) instead of sending it again", List.of(new FieldError(HEADER, "carried out")));
        }
    }

    /** The route's work is over: what the after-handlers write (the audit record of the request) is not its work. */
    void endOfWork(Context ctx) {
        IdempotentRequests.unbind();
    }

    void after(Context ctx) {
        Claim claim;
        try {
            claim = ctx.attribute(CLAIM);
        } catch (NullPointerException | IllegalStateException e) {
            if (ErrorMapping.isRecycled(e)) return;
            throw e;
        }
        if (claim == null) return;
        int status = ctx.status().getCode();
        if (status >= 200 && status < 300) {
            Map<String, String> headers = new LinkedHashMap<>();
            for (String name : KEPT_HEADERS) {
                String value = ctx.res().getHeader(name);
                if (value != null) headers.put(name, value);
            }
            requests.finish(claim.scope(), claim.key(), status, headers, ctx.result());
        } else {
            requests.abandon(claim.scope(), claim.key());
        }
    }
}
