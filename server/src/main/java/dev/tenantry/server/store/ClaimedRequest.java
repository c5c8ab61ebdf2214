package dev.tenantry.server.store;

/**
 * The Idempotency-Key claim of the API request this thread serves, while its handler runs: every transaction of
 * {@link Store#tx} that writes anything also notes the claim as carried out, in the same commit. A server that dies
 * after the work committed but before the answer was kept thus leaves a claim a retry recognises as done.
 */
public final class ClaimedRequest {
    private static final ThreadLocal<Key> CURRENT = new ThreadLocal<>();

    /** Whose claim ({@code scope}: the token's) and its key. */
    public record Key(String scope, String key) {}

    private ClaimedRequest() {}

    public static void bind(String scope, String key) {
        CURRENT.set(new Key(scope, key));
    }

    public static void unbind() {
        CURRENT.remove();
    }

    static Key current() {
        return CURRENT.get();
    }
}
