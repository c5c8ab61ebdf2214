package dev.tenantry.server.tenantdb;

import static dev.tenantry.server.tenantdb.DatabaseNames.q;
import static dev.tenantry.server.tenantdb.TenantDatabaseAdmin.databaseExists;
import static dev.tenantry.server.tenantdb.TenantDatabaseAdmin.execute;
import static dev.tenantry.server.tenantdb.TenantDatabaseAdmin.failure;
import static dev.tenantry.server.tenantdb.TenantDatabaseAdmin.loginsOf;
import static dev.tenantry.server.tenantdb.TenantDatabaseAdmin.quoteAny;
import static dev.tenantry.server.tenantdb.TenantDatabaseAdmin.roleExists;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Taking a tenant's database apart, as the server's admin: cutting the tenant off it (for a move), dropping its data
 * (the rows of a shared pool, its schema or its database), its old logins (after a rotation), or all of it with its
 * roles (a purge). Each is idempotent.
 */
public final class TenantDatabaseTeardown {
    private TenantDatabaseTeardown() {}

    /** Removes everything of the tenant on the server: its data, then its roles (after ending their sessions). */
    public static void drop(ServerAccess access, TenantDatabase.Location l) {
        dropData(access, l);
        try (Connection admin = access.connect("postgres")) {
            terminateSessionsOf(admin, l.role());
            for (String login : loginsOf(admin, l.role())) {
                execute(admin, "drop owned by " + q(login));
                execute(admin, "drop role if exists " + q(login));
            }
            if (roleExists(admin, l.role())) {
                execute(admin, "drop owned by " + q(l.role()));
                execute(admin, "drop role " + q(l.role()));
            }
        } catch (SQLException e) {
            throw failure(access, "dropping the roles of " + l.role(), e);
        }
    }

    /**
     * Removes the tenant's data in this location, keeping its roles (a move to another model on the same server): its
     * rows of a shared pool and its membership there, its schema and its right to connect, or its database.
     */
    public static void dropData(ServerAccess access, TenantDatabase.Location l) {
        try (Connection admin = access.connect("postgres")) {
            terminateSessionsOf(admin, l.role());
            if (!databaseExists(admin, l.database())) return;
            switch (l.isolation()) {
                case shared -> {
                    try (Connection pool = access.connect(l.database())) {
                        deleteTenantRows(pool, l.role());
                    }
                    if (roleExists(admin, l.role())) execute(admin, "revoke " + q(DatabaseNames.poolTenants(l)) + " from " + q(l.role()));
                }
                case schema -> {
                    try (Connection db = access.connect(l.database())) {
                        execute(db, "drop schema if exists " + q(l.schema()) + " cascade");
                    }
                    if (roleExists(admin, l.role())) revokeConnect(admin, l);
                }
                case database, dedicated -> execute(admin, "drop database if exists " + q(l.database()) + " with (force)");
            }
        } catch (SQLException e) {
            throw failure(access, "dropping the data of " + l.role() + " in " + l.database(), e);
        }
    }

    /**
     * Cuts the tenant off this location and ends its sessions, so that nothing changes its data while it is copied
     * elsewhere: its workload's queries fail until it runs against the new location.
     */
    public static void cutAccess(ServerAccess access, TenantDatabase.Location l) {
        try (Connection admin = access.connect("postgres")) {
            switch (l.isolation()) {
                case shared -> execute(admin, "revoke " + q(DatabaseNames.poolTenants(l)) + " from " + q(l.role()));
                case schema, database, dedicated -> revokeConnect(admin, l);
            }
            terminateSessionsOf(admin, l.role());
        } catch (SQLException e) {
            throw failure(access, "cutting " + l.role() + " off " + l.database(), e);
        }
    }

    /** Gives the tenant its access to this location back (a move that failed). */
    public static void restoreAccess(ServerAccess access, TenantDatabase.Location l) {
        try (Connection admin = access.connect("postgres")) {
            switch (l.isolation()) {
                case shared -> execute(admin, "grant " + q(DatabaseNames.poolTenants(l)) + " to " + q(l.role()));
                case schema, database, dedicated -> CatalogLock.onDatabase(admin, l.database(),
                        () -> execute(admin, "grant connect on database " + q(l.database()) + " to " + q(l.role())));
            }
        } catch (SQLException e) {
            throw failure(access, "giving " + l.role() + " its access to " + l.database() + " back", e);
        }
    }

    /**
     * Drops the logins of generations before {@code current} (after ending their sessions; whatever they own in the
     * tenant's database becomes the tenant's group role's); returns how many.
     */
    public static int retireLogins(ServerAccess access, TenantDatabase.Location l, int current) {
        try (Connection admin = access.connect("postgres"); Connection db = access.connect(l.database())) {
            int dropped = 0;
            for (String login : loginsOf(admin, l.role())) {
                int generation = Integer.parseInt(login.substring(login.lastIndexOf('_') + 1));
                if (generation >= current) continue;
                try (PreparedStatement ps = admin.prepareStatement("select pg_terminate_backend(pid) from pg_stat_activity where usename = ?")) {
                    ps.setString(1, login);
                    ps.executeQuery().close();
                }
                execute(db, "reassign owned by " + q(login) + " to " + q(l.role()));
                execute(db, "drop owned by " + q(login));
                execute(admin, "drop role " + q(login));
                dropped++;
            }
            return dropped;
        } catch (SQLException e) {
            throw failure(access, "dropping old logins of " + l.role(), e);
        }
    }

    private static void revokeConnect(Connection admin, TenantDatabase.Location l) throws SQLException {
        CatalogLock.onDatabase(admin, l.database(), () -> execute(admin, "revoke connect on database " + q(l.database()) + " from " + q(l.role())));
    }

    private static void deleteTenantRows(Connection pool, String role) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (PreparedStatement ps = pool.prepareStatement("select table_name from information_schema.columns"
                + " where table_schema = 'public' and column_name = ?")) {
            ps.setString(1, DatabaseNames.TENANT_COLUMN);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) tables.add(rs.getString(1));
            }
        }
        for (String table : tables) {
            try (PreparedStatement ps = pool.prepareStatement("delete from public." + quoteAny(table) + " where " + DatabaseNames.TENANT_COLUMN + " = ?")) {
                ps.setString(1, role);
                ps.executeUpdate();
            }
        }
    }

    private static void terminateSessionsOf(Connection admin, String role) throws SQLException {
        try (PreparedStatement ps = admin.prepareStatement("select pg_terminate_backend(pid) from pg_stat_activity where usename ~ ?")) {
            ps.setString(1, "^" + role + "(_[0-9]+)?$");
            ps.executeQuery().close();
        }
    }
}
