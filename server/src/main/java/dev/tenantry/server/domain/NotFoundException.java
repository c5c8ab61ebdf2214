package dev.tenantry.server.domain;

/** The named object does not exist (or is not visible to the caller). */
public class NotFoundException extends RuntimeException {
    private final String field;

    public NotFoundException(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
