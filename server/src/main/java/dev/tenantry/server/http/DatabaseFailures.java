package dev.tenantry.server.http;

import dev.tenantry.server.store.Store;

/** Tells a database that cannot be reached from a fault of the request or of the code. */
final class DatabaseFailures {
    private DatabaseFailures() {}

    /** The pool found no connection in time, or PostgreSQL refused or dropped the connection or is shutting down. */
    static boolean unavailable(Throwable e) {
        return Store.isUnavailable(e);
    }

    /**
     * Whether the pool timed out waiting for one of its connections while the database itself answered (no failure to
     * connect behind it): every connection was busy, the replica is saturated rather than cut off.
     */
    static boolean allConnectionsBusy(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (Store.isConnectionFailure(t)) return false;
        }
        return unavailable(e);
    }

    static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) root = root.getCause();
        return root.toString();
    }
}
