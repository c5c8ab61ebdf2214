package dev.tenantry.server.http;

import dev.tenantry.api.validation.FieldError;
import dev.tenantry.api.validation.ValidationException;
import dev.tenantry.server.domain.ConflictException;
import dev.tenantry.server.domain.ForbiddenException;
import dev.tenantry.server.domain.NotFoundException;
import dev.tenantry.server.domain.PreconditionFailedException;
import dev.tenantry.server.domain.QuotaExceededException;
import dev.tenantry.server.store.DuplicateKeyException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.HttpResponseException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Every exception a route can end with, as the problem document the client gets; no stack trace ever leaves. */
final class ErrorMapping {
    private static final Logger log = LoggerFactory.getLogger(ErrorMapping.class);

    private ErrorMapping() {}

    static void register(RoutesConfig routes) {
        routes.exception(ProblemException.class, (e, ctx) -> {
            if (e.status == 401) ctx.header("WWW-Authenticate", "Bearer realm=\"tenantry\"");
            if (e.retryAfterSeconds != null) ctx.header("Retry-After", String.valueOf(e.retryAfterSeconds));
            Problems.write(ctx, e.status, e.type, e.getMessage(), e.errors);
        });
        routes.exception(ValidationException.class, (e, ctx) -> Problems.write(ctx, 400, "invalid-request", e.getMessage(), e.errors()));
        routes.exception(NotFoundException.class, (e, ctx) -> Problems.write(ctx, 404, "not-found", e.getMessage(), fields(e.field(), e.getMessage())));
        routes.exception(ConflictException.class, (e, ctx) -> Problems.write(ctx, 409, "conflict", e.getMessage(), fields(e.field(), e.getMessage())));
        routes.exception(DuplicateKeyException.class, (e, ctx) -> Problems.write(ctx, 409, "conflict", e.getMessage(), List.of()));
        routes.exception(PreconditionFailedException.class, (e, ctx) -> Problems.write(ctx, 412, "precondition-failed", e.getMessage(),
                fields("If-Match", e.getMessage())));
        routes.exception(dev.tenantry.server.domain.IdempotencyKeyReusedException.class, (e, ctx) -> Problems.write(ctx, 422,
                "idempotency-key-reused", e.getMessage(), fields(IdempotencyKeys.HEADER, "used with another request")));
        routes.exception(QuotaExceededException.class, (e, ctx) -> Problems.write(ctx, 409, "quota-exceeded", e.getMessage(),
                fields(e.field(), e.getMessage())));
        routes.exception(ForbiddenException.class, (e, ctx) -> Problems.write(ctx, 403, "forbidden", e.getMessage(), List.of()));
        routes.exception(HttpResponseException.class, (e, ctx) -> {
            String allowed = e.getDetails().get("availableMethods");
            if (e.getStatus() == 405 && allowed != null) ctx.header("Allow", allowed);
            Problems.write(ctx, e.getStatus(), Problems.typeFor(e.getStatus()), e.getMessage(), List.of());
        });
        routes.exception(InterruptedException.class, (e, ctx) -> {
            ctx.header("Retry-After", "1");
            Problems.write(ctx, 503, "shutting-down", "the server is shutting down; retry against another replica", List.of());
        });
        routes.exception(Exception.class, (e, ctx) -> {
            if (isRecycled(e)) {
                // a long poll that returned after its client left and Jetty recycled the exchange (an agent stopping first)
                log.debug("A request ended after its exchange was recycled: {}", e.getMessage());
                return;
            }
            String request = requestLine(ctx);
            if (request == null) {
                // Jetty recycled the exchange under the handler: there is no one to answer, and asking the request anything
                // throws again (which Javalin would log as its exception handler failing)
                log.warn("A request failed after its exchange was recycled", e);
                return;
            }
            if (DatabaseFailures.unavailable(e)) {
                boolean busy = DatabaseFailures.allConnectionsBusy(e);
                log.warn(busy ? "Every database connection is busy ({}): {}" : "The database is unavailable ({}): {}", request,
                        DatabaseFailures.rootMessage(e));
                ctx.header("Retry-After", "1");
                Problems.write(ctx, 503, "database-unavailable", busy ? "every connection to the database is busy (the server is saturated); retry shortly"
                        : "the database is unavailable; retry shortly", List.of());
                return;
            }
            log.error("Unexpected error on {}", request, e);
            Problems.write(ctx, 500, "internal", "an internal error occurred; the server log has the details", List.of());
        });
    }

    /** "METHOD /path" of the request, or null if Jetty has recycled its exchange (the request can no longer be read). */
    static String requestLine(io.javalin.http.Context ctx) {
        try {
            return ctx.method() + " " + ctx.path();
        } catch (NullPointerException | IllegalStateException recycled) {
            return null;
        }
    }

    /**
     * Jetty's answer to using an exchange it already recycled (writing to it, or reading its request once the server
     * stopped under a long-running request): there is no one left to answer.
     */
    static boolean isRecycled(Exception e) {
        String message = e.getMessage();
        if (message == null) return false;
        return e instanceof IllegalStateException && message.contains("(likely recycled)")
                || e instanceof NullPointerException && message.contains("ServletApiRequest.getRequest()");
    }

    private static List<FieldError> fields(String field, String message) {
        return field == null ? List.of() : List.of(new FieldError(field, message));
    }
}
