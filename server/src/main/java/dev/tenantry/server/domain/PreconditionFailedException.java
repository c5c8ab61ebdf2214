package dev.tenantry.server.domain;

/** A conditional request ({@code If-Match}) was made against a version of the object that is no longer current. */
public class PreconditionFailedException extends RuntimeException {
    public PreconditionFailedException(String message) {
        super(message);
    }
}
