package dev.tenantry.server.tenantdb;

import dev.tenantry.api.blueprint.Migration;
import dev.tenantry.api.model.DatabaseIsolation;
import dev.tenantry.api.model.InstanceDatabase.AppliedMigration;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;

/**
 * Runs a release's migrations for one tenant with Flyway: in the tenant's schema or database, with the tenant's own
 * history table, as the tenant's group role (so that what they create is the tenant's); in a shared pool, once for the
 * pool as its owner, and the pool's tables are then put under row-level security. Migrations the history has and the
 * release does not (a rollback to an older release) are left alone: the old release runs on the expanded schema.
 */
public final class TenantMigrations {
    private TenantMigrations() {}

    public static List<AppliedMigration> migrate(ServerAccess access, TenantDatabase.Location l, List<Migration> migrations) {
        Flyway flyway = null;
        try {
            flyway = Flyway.configure(TenantMigrations.class.getClassLoader())
                    .dataSource(access.jdbcUrl(l.database()), access.adminUser(), access.adminPassword())
                    .schemas(l.schema()).defaultSchema(l.schema()).createSchemas(false)
                    .table(DatabaseNames.HISTORY_TABLE)
                    .resourceProvider(new MigrationResources(migrations, "set role " + DatabaseNames.q(runAs(l)) + ";\n"))
                    .connectRetries(0)
                    .load();
            flyway.migrate();
            if (l.isolation() == DatabaseIsolation.shared) protectPool(access, l);
            return applied(flyway);
        } catch (FlywayException e) {
            throw classify(access, e, flyway);
        }
    }

    /** Who the migrations run as: the pool's owner in the shared model, else the tenant's group role. */
    private static String runAs(TenantDatabase.Location l) {
        return l.isolation() == DatabaseIsolation.shared ? DatabaseNames.poolOwner(l) : l.role();
    }

    private static void protectPool(ServerAccess access, TenantDatabase.Location l) {
        try (Connection pool = access.connect(l.database())) {
            TenantDatabaseAdmin.protectSharedTables(pool, l);
        } catch (SQLException e) {
            throw TenantDatabaseAdmin.failure(access, "protecting the shared tables of " + l.database(), e);
        }
    }

    private static List<AppliedMigration> applied(Flyway flyway) {
        return Arrays.stream(flyway.info().applied()).filter(m -> m.getVersion() != null && m.getState().isApplied() && !m.getState().isFailed())
                .map(TenantMigrations::applied).toList();
    }

    private static AppliedMigration applied(MigrationInfo m) {
        return new AppliedMigration(m.getVersion().getVersion(), m.getDescription(), m.getInstalledOn() == null ? null : m.getInstalledOn().toInstant());
    }

    /** The server out of reach: try again later; anything else: the migration failed, and says how. */
    private static RuntimeException classify(ServerAccess access, FlywayException e, Flyway flyway) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && TenantDatabaseAdmin.isUnreachable(sql)) return TenantDatabaseAdmin.unreachable(access, sql);
        }
        SQLException sql = null;
        for (Throwable t = e; t != null && sql == null; t = t.getCause()) if (t instanceof SQLException s) sql = s;
        String headline = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("").strip();
        String detail = sql == null ? "" : ": " + sql.getMessage().lines().findFirst().orElse("").strip()
                + (sql.getSQLState() == null ? "" : " (SQL state " + sql.getSQLState() + ")");
        List<AppliedMigration> applied;
        try {
            applied = flyway == null ? List.of() : applied(flyway);
        } catch (FlywayException unreadable) {
            applied = List.of();
        }
        return new MigrationFailedException(headline + detail, applied, e);
    }
}
