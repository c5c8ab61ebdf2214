package dev.tenantry.server.tenantdb;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * One change at a time to a shared catalog row of a tenant server (a database's access list, a pool's tables and
 * schema): PostgreSQL refuses concurrent GRANTs on one object with "tuple concurrently updated", and the database
 * workers provision many tenants of one database at once. A session-level advisory lock, so that it also covers
 * {@code CREATE DATABASE}, which cannot run in a transaction.
 */
final class CatalogLock {
    /** The first key of the two-key advisory locks Tenantry takes on tenant servers. */
    private static final int NAMESPACE = 7302;

    interface Work {
        void run() throws SQLException;
    }

    private CatalogLock() {}

    /** Runs {@code work} holding the lock of the database {@code database}'s catalog rows. */
    static void onDatabase(Connection c, String database, Work work) throws SQLException {
        with(c, "database:" + database, work);
    }

    private static void with(Connection c, String key, Work work) throws SQLException {
        try (PreparedStatement lock = c.prepareStatement("select pg_advisory_lock(" + NAMESPACE + ", hashtext(?))")) {
            lock.setString(1, key);
            lock.executeQuery().close();
        }
        try {
            work.run();
        } finally {
            try (PreparedStatement unlock = c.prepareStatement("select pg_advisory_unlock(" + NAMESPACE + ", hashtext(?))")) {
                unlock.setString(1, key);
                unlock.executeQuery().close();
            }
        }
    }
}
