package dev.tenantry.server.domain;

import dev.tenantry.api.validation.ValidationException;

/** A request field that names something that does not exist (an unknown service or plan): 400, not 404. */
public class ValidationFailure extends ValidationException {
    public ValidationFailure(String field, String message) {
        super(field, message);
    }
}
