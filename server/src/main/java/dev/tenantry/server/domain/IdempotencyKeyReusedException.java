package dev.tenantry.server.domain;

/** An Idempotency-Key sent again with another request than the one it was first used with (422). */
public class IdempotencyKeyReusedException extends RuntimeException {
    public IdempotencyKeyReusedException() {
        super("this Idempotency-Key was used with another request; use a new key for a new request");
    }
}
