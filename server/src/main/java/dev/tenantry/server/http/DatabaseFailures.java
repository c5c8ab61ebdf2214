package dev.tenantry.server.http;

import dev.tenantry.server.store.Store;

/** Tells a database that cannot be reached from a fault of the request or of the code. */
final class DatabaseFailures {
    private DatabaseFailures() {}

    /** The pool found no connection in time, or PostgreSQL refused or dropped the connection or is shutting down. */
    static boolean unavailable(Throwable e) {
        return Store.isUnavailable(e);
    }

    static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) root = root.getCause();
        return root.toString();
    }
}
