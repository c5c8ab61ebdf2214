package dev.tenantry.api.validation;

import java.util.ArrayList;
import java.util.List;

/** Collects field errors while validating, then throws them together. */
public final class Errors {
    private final List<FieldError> errors = new ArrayList<>();

    public Errors add(String field, String message) {
        errors.add(new FieldError(field, message));
        return this;
    }

    public boolean isEmpty() {
        return errors.isEmpty();
    }

    public void throwIfAny() {
        if (!errors.isEmpty()) throw new ValidationException(errors);
    }
}
