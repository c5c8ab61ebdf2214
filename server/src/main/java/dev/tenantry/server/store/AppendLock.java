package dev.tenantry.server.store;

import org.jdbi.v3.core.Handle;

/**
 * The transaction-scoped advisory lock that orders appends to the audit chain: a transaction takes it once, as it writes
 * its records at its end, and holds it until it commits, so records become visible in the order of their seqs and
 * hashes. (The event outbox needs no lock: {@link EventRepository}.)
 */
final class AppendLock {
    private static final long KEY = 0x7e4e_0001L;
    private final Handle h;
    private boolean held;

    AppendLock(Handle h) {
        this.h = h;
    }

    void take() {
        if (held) return;
        h.createQuery("select pg_advisory_xact_lock(:key)").bind("key", KEY).mapTo(String.class).one();
        held = true;
    }
}
