package dev.tenantry.server.store;

import org.jdbi.v3.core.Handle;

/**
 * The transaction-scoped advisory lock that orders appends to the event outbox and to the audit chain: a transaction
 * that appends to either takes it once and holds it until it ends, so appends become visible in the order they were
 * numbered (events by id, audit records by seq and hash). One lock for both, so two transactions never take them in
 * opposite orders.
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
