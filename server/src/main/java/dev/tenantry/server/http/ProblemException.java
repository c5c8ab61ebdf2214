package dev.tenantry.server.http;

import dev.tenantry.api.validation.FieldError;
import java.util.List;

/** An HTTP-level failure to answer as problem+json (401, 413, a malformed body…). */
final class ProblemException extends RuntimeException {
    final int status;
    final String type;
    final List<FieldError> errors;
    /** Sent as {@code Retry-After} when set. */
    final Integer retryAfterSeconds;

    ProblemException(int status, String type, String detail, List<FieldError> errors) {
        this(status, type, detail, errors, null);
    }

    private ProblemException(int status, String type, String detail, List<FieldError> errors, Integer retryAfterSeconds) {
        super(detail);
        this.status = status;
        this.type = type;
        this.errors = errors == null ? List.of() : errors;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    static ProblemException tooManyRequests(String detail, int retryAfterSeconds) {
        return new ProblemException(429, "too-many-requests", detail, null, retryAfterSeconds);
    }

    static ProblemException unauthorized(String detail) {
        return new ProblemException(401, "unauthorized", detail, null);
    }

    static ProblemException forbidden(String detail) {
        return new ProblemException(403, "forbidden", detail, null);
    }

    static ProblemException badRequest(String field, String detail) {
        return new ProblemException(400, "invalid-request", detail, field == null ? null : List.of(new FieldError(field, detail)));
    }
}
