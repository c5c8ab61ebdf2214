package dev.tenantry.server.tenantdb;

import static dev.tenantry.server.tenantdb.DatabaseNames.q;

import dev.tenantry.api.model.DatabaseIsolation;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Creates and drops tenant databases on a server, as its admin, in each isolation model: the tenant's group role (which
 * owns its objects and holds its privileges), a login role per credential generation whose sessions act as the group
 * role, and the database, schema or rows the model gives it. Every step is idempotent: a crash half-way is finished by
 * the next run.
 */
public final class TenantDatabaseAdmin {
    private TenantDatabaseAdmin() {}

    /** What a server is: its version, and whether the admin may do all this (superuser). */
    public record ServerFacts(String version, boolean superuser) {}

    public static ServerFacts inspect(ServerAccess access) {
        try (Connection c = access.connect("postgres"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select current_setting('server_version'), (select rolsuper from pg_roles where rolname = current_user)")) {
            rs.next();
            return new ServerFacts(rs.getString(1), rs.getBoolean(2));
        } catch (SQLException e) {
            throw unreachable(access, e);
        }
    }

    /** Creates whatever of the tenant's database is missing and sets the login's password and settings. */
    public static void provision(ServerAccess access, TenantDatabase.Location l, String login, String password) {
        provisionObjects(access, l);
        configureLogin(access, l, login, password);
    }

    /** The tenant's group role and what its model gives it (its rows' privileges, its schema or its database). */
    public static void provisionObjects(ServerAccess access, TenantDatabase.Location l) {
        try (Connection admin = access.connect("postgres")) {
            ensureGroupRole(admin, l.role());
            switch (l.isolation()) {
                case shared -> provisionShared(access, admin, l);
                case schema -> provisionSchema(access, admin, l);
                case database, dedicated -> provisionDatabase(admin, l);
            }
        } catch (SQLException e) {
            throw failure(access, "provisioning " + l.database(), e);
        }
    }

    /** The login of a generation, with its password, acting as the group role, with the model's search path. */
    public static void configureLogin(ServerAccess access, TenantDatabase.Location l, String login, String password) {
        try (Connection admin = access.connect("postgres")) {
            ensureGroupRole(admin, l.role());
            ensureLogin(admin, l.role(), login, password, l.isolation() == DatabaseIsolation.schema ? l.schema() : null);
        } catch (SQLException e) {
            throw failure(access, "configuring login " + login, e);
        }
    }

    private static void provisionShared(ServerAccess access, Connection admin, TenantDatabase.Location l) throws SQLException {
        String owner = DatabaseNames.poolOwner(l);
        String tenants = DatabaseNames.poolTenants(l);
        ensureGroupRole(admin, owner);
        ensureGroupRole(admin, tenants);
        ensureDatabase(admin, l.database(), owner);
        CatalogLock.onDatabase(admin, l.database(), () -> execute(admin, "grant connect on database " + q(l.database()) + " to " + q(tenants)));
        execute(admin, "grant " + q(tenants) + " to " + q(l.role()));
        try (Connection pool = access.connect(l.database())) {
            protectSharedTables(pool, l);
        }
    }

    /**
     * Puts every table of a shared pool under row-level security: a tenant column that defaults to the session's role,
     * a policy that shows and accepts only the rows of {@code current_user}, and the tenants' privileges. Runs after each
     * migration of the pool, so that tables a migration adds are protected before any tenant's workload sees them.
     */
    static void protectSharedTables(Connection pool, TenantDatabase.Location l) throws SQLException {
        CatalogLock.onDatabase(pool, l.database() + "/public", () -> protectSharedTablesLocked(pool, l));
    }

    private static void protectSharedTablesLocked(Connection pool, TenantDatabase.Location l) throws SQLException {
        String tenants = DatabaseNames.poolTenants(l);
        execute(pool, "grant usage on schema public to " + q(tenants));
        List<String> tables = new ArrayList<>();
        try (PreparedStatement ps = pool.prepareStatement("select tablename from pg_tables where schemaname = 'public' and tablename <> ?")) {
            ps.setString(1, DatabaseNames.HISTORY_TABLE);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) tables.add(rs.getString(1));
            }
        }
        for (String table : tables) {
            String t = "public." + quoteAny(table);
            execute(pool, "alter table " + t + " add column if not exists " + DatabaseNames.TENANT_COLUMN + " text not null default current_user");
            execute(pool, "alter table " + t + " enable row level security");
            if (!exists(pool, "select 1 from pg_policies where schemaname = 'public' and tablename = ? and policyname = 'tenant_isolation'", table)) {
                execute(pool, "create policy tenant_isolation on " + t + " using (" + DatabaseNames.TENANT_COLUMN + " = current_user)"
                        + " with check (" + DatabaseNames.TENANT_COLUMN + " = current_user)");
            }
            execute(pool, "grant select, insert, update, delete on " + t + " to " + q(tenants));
        }
        execute(pool, "grant usage, select on all sequences in schema public to " + q(tenants));
    }

    private static void provisionSchema(ServerAccess access, Connection admin, TenantDatabase.Location l) throws SQLException {
        String owner = DatabaseNames.schemasOwner(l);
        ensureGroupRole(admin, owner);
        ensureDatabase(admin, l.database(), owner);
        CatalogLock.onDatabase(admin, l.database(), () -> execute(admin, "grant connect on database " + q(l.database()) + " to " + q(l.role())));
        try (Connection db = access.connect(l.database())) {
            execute(db, "create schema if not exists " + q(l.schema()) + " authorization " + q(l.role()));
        }
    }

    private static void provisionDatabase(Connection admin, TenantDatabase.Location l) throws SQLException {
        ensureDatabase(admin, l.database(), l.role());
    }

    /** The login roles of a group role (its generations). */
    static List<String> loginsOf(Connection admin, String role) throws SQLException {
        List<String> logins = new ArrayList<>();
        try (PreparedStatement ps = admin.prepareStatement("select rolname from pg_roles where rolcanlogin and rolname ~ ?")) {
            ps.setString(1, "^" + role + "_[0-9]+$");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) logins.add(rs.getString(1));
            }
        }
        return logins;
    }

    private static void ensureGroupRole(Connection admin, String role) throws SQLException {
        if (!roleExists(admin, role)) execute(admin, "create role " + q(role) + " nologin");
    }

    /**
     * The login role of a generation, with its password, a member of the group role whose sessions act as the group
     * role ({@code role} setting), so that what it creates is the group's and row-level security sees the group.
     */
    private static void ensureLogin(Connection admin, String role, String login, String password, String searchPath) throws SQLException {
        if (!roleExists(admin, login)) execute(admin, "create role " + q(login) + " login in role " + q(role));
        // a password cannot be a bind parameter of ALTER ROLE: it is a literal, quoted by the server's own rules
        execute(admin, "alter role " + q(login) + " with login password " + literal(admin, password));
        execute(admin, "alter role " + q(login) + " set role = " + literal(admin, role));
        execute(admin, "alter role " + q(login) + (searchPath != null ? " set search_path = " + q(searchPath) : " reset search_path"));
    }

    private static void ensureDatabase(Connection admin, String database, String owner) throws SQLException {
        if (databaseExists(admin, database)) return;
        CatalogLock.onDatabase(admin, database, () -> {
            if (databaseExists(admin, database)) return;
            execute(admin, "create database " + q(database) + " owner " + q(owner));
            execute(admin, "revoke connect, temporary on database " + q(database) + " from public");
        });
    }

    static boolean roleExists(Connection c, String role) throws SQLException {
        return exists(c, "select 1 from pg_roles where rolname = ?", role);
    }

    static boolean databaseExists(Connection c, String database) throws SQLException {
        return exists(c, "select 1 from pg_database where datname = ?", database);
    }

    private static boolean exists(Connection c, String sql, String arg) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, arg);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static String literal(Connection c, String value) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select quote_literal(?)")) {
            ps.setString(1, value);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    /** A table name a vendor's migration chose, quoted as an identifier (any characters). */
    static String quoteAny(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** Connection failures (SQL state class 08, bad credentials) can pass; anything else is a failure of the work itself. */
    static RuntimeException failure(ServerAccess access, String what, SQLException e) {
        if (isUnreachable(e)) return unreachable(access, e);
        return new IllegalStateException(what + " on " + access.host() + ":" + access.port() + " failed: " + e.getMessage(), e);
    }

    static boolean isUnreachable(SQLException e) {
        String state = e.getSQLState();
        return state == null || state.startsWith("08") || state.equals("28P01") || state.equals("28000") || state.equals("57P03");
    }

    static DatabaseUnreachableException unreachable(ServerAccess access, SQLException e) {
        return new DatabaseUnreachableException("database server " + access.host() + ":" + access.port() + " cannot be reached as '"
                + access.adminUser() + "': " + e.getMessage(), e);
    }
}
