package dev.tenantry.server.http;

import dev.tenantry.server.domain.Principal;
import dev.tenantry.server.domain.QuotaExceededException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Long-lived streams (server-sent events) a server replica holds open at once: each holds a thread and looks in the
 * database at every batch of events, so that no token, and no tenant's tokens together, can open enough of them to
 * starve the others (the rate limit counts requests, not how long they stay open).
 */
final class StreamSlots {
    /** A server replica's: 20 per token, 50 per tenant (all its tokens), 2,000 in all. */
    static StreamSlots withDefaults() {
        return new StreamSlots(20, 50, 2_000);
    }

    private final int perToken;
    private final int perTenant;
    private final int total;
    /** Open streams by key ({@code token/ID}, {@code tenant/ID}); only keys with open streams. */
    private final ConcurrentHashMap<String, Integer> open = new ConcurrentHashMap<>();
    private final AtomicInteger all = new AtomicInteger();

    StreamSlots(int perToken, int perTenant, int total) {
        this.perToken = perToken;
        this.perTenant = perTenant;
        this.total = total;
    }

    /** A slot the caller gives back with {@link Slot#close} when its stream ends. */
    interface Slot extends AutoCloseable {
        @Override
        void close();
    }

    /** Takes a slot for the caller's stream, or refuses it (409, field {@code events}) saying which limit it reached. */
    Slot take(Principal who) {
        String token = "token/" + who.tokenId();
        String tenant = who.tenant() == null ? null : "tenant/" + who.tenant();
        if (!takeOne(all, total)) {
            throw refused("this server already holds " + total + " event streams");
        }
        if (!takeOne(token, perToken)) {
            all.decrementAndGet();
            throw refused("this token already has " + perToken + " event streams open on this server");
        }
        if (tenant != null && !takeOne(tenant, perTenant)) {
            give(token);
            all.decrementAndGet();
            throw refused("tenant '" + who.tenant() + "' already has " + perTenant + " event streams open on this server");
        }
        return () -> {
            if (tenant != null) give(tenant);
            give(token);
            all.decrementAndGet();
        };
    }

    /** Streams open now for the key ({@code token/ID} or {@code tenant/ID}). */
    int openFor(String key) {
        return open.getOrDefault(key, 0);
    }

    private static boolean takeOne(AtomicInteger counter, int limit) {
        while (true) {
            int n = counter.get();
            if (n >= limit) return false;
            if (counter.compareAndSet(n, n + 1)) return true;
        }
    }

    /** Counts one more stream for the key unless it has {@code limit}: checked and counted at once (one key's compute is atomic). */
    private boolean takeOne(String key, int limit) {
        boolean[] taken = {false};
        open.compute(key, (k, n) -> {
            int now = n == null ? 0 : n;
            if (now >= limit) return n;
            taken[0] = true;
            return now + 1;
        });
        return taken[0];
    }

    private void give(String key) {
        // a key whose last stream ended is forgotten, so that the map holds only keys with open streams
        open.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
    }

    private static QuotaExceededException refused(String why) {
        return new QuotaExceededException("events", why + "; close one (or let it end) and ask again");
    }
}
