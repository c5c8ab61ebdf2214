package dev.tenantry.server.tenantdb;

/** A database server did not answer, or refused the admin's credentials: worth trying again later. */
public final class DatabaseUnreachableException extends RuntimeException {
    public DatabaseUnreachableException(String message, Throwable cause) {
        super(message, cause);
    }
}
