package dev.tenantry.server.http;

import dev.tenantry.api.validation.FieldError;
import java.util.List;

/** An HTTP-level failure to answer as problem+json (401, 413, a malformed body…). */
final class ProblemException extends RuntimeException {
    final int status;
    final String type;
    final List<FieldError> errors;

    ProblemException(int status, String type, String detail, List<FieldError> errors) {
        super(detail);
        this.status = status;
        this.type = type;
        this.errors = errors == null ? List.of() : errors;
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
