package dev.tenantry.server.domain;

/** The caller is known but its role or scope does not allow this. */
public class ForbiddenException extends RuntimeException {
    public ForbiddenException(String message) {
        super(message);
    }
}
