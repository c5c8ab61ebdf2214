package dev.tenantry.server.domain;

/** The request clashes with the current state (a duplicate name, an object still in use). */
public class ConflictException extends RuntimeException {
    private final String field;

    public ConflictException(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
