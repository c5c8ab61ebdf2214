package dev.tenantry.server.store;

/** A row clashes with one already stored under the same unique key (PostgreSQL's 23505); the API answers 409. */
public final class DuplicateKeyException extends RuntimeException {
    public DuplicateKeyException() {
        super("already exists");
    }
}
