package dev.tenantry.server.tenantdb;

import dev.tenantry.api.model.DatabaseIsolation;

/**
 * The PostgreSQL names of an instance's database in each model. The tenant's group role is {@code t_<uid>}; a shared
 * pool is one database per service ({@code shared_<service>}, owned by {@code shared_<service>_owner}, whose tenant roles
 * are members of {@code shared_<service>_tenants}); the schema model keeps a schema {@code t_<uid>} per tenant in a
 * database per service ({@code schemas_<service>}); the database model a database {@code t_<uid>} per tenant.
 */
public final class DatabaseNames {
    /** The column of every shared table that holds the owning tenant's role; row-level security compares it with {@code current_user}. */
    public static final String TENANT_COLUMN = "tenantry_tenant";
    /** Each tenant's own Flyway history (in the shared model: the pool's). */
    public static final String HISTORY_TABLE = "flyway_schema_history";

    private DatabaseNames() {}

    public static TenantDatabase.Location locate(DatabaseIsolation isolation, String server, String service, String instanceUid) {
        String role = role(instanceUid);
        String svc = service.replace('-', '_');
        return switch (isolation) {
            case shared -> new TenantDatabase.Location(isolation, server, "shared_" + svc, "public", role);
            case schema -> new TenantDatabase.Location(isolation, server, "schemas_" + svc, role, role);
            case database, dedicated -> new TenantDatabase.Location(isolation, server, role, "public", role);
        };
    }

    /** {@code ins_3k9x…} → {@code t_3k9x…}. */
    static String role(String instanceUid) {
        String id = instanceUid.substring(instanceUid.indexOf('_') + 1).toLowerCase(java.util.Locale.ROOT);
        if (!id.matches("[a-z0-9]{1,40}")) throw new IllegalArgumentException("not an instance uid: " + instanceUid);
        return "t_" + id;
    }

    /** The owner of a shared pool's tables (its migrations run as it). */
    static String poolOwner(TenantDatabase.Location l) {
        return l.database() + "_owner";
    }

    /** The role every tenant role of a shared pool is a member of: it holds the privileges on the pool's tables. */
    static String poolTenants(TenantDatabase.Location l) {
        return l.database() + "_tenants";
    }

    /** The owner of a schema model's database. */
    static String schemasOwner(TenantDatabase.Location l) {
        return l.database() + "_owner";
    }

    /** A PostgreSQL identifier, quoted. Names here are made of [a-z0-9_] only; quoting keeps it so. */
    static String q(String identifier) {
        if (!identifier.matches("[a-z_][a-z0-9_]{0,62}")) throw new IllegalArgumentException("not a safe identifier: " + identifier);
        return "\"" + identifier + "\"";
    }
}
