package dev.tenantry.api.blueprint;

import java.util.List;

/**
 * The PostgreSQL database a service's instances get ({@code engine} {@code postgres}, the only one), and the release's
 * migrations: versioned SQL that runs for each tenant when its instance moves to this release, before the release takes
 * traffic. Every component is given the libpq variables ({@code PGHOST}, {@code PGPORT}, {@code PGDATABASE},
 * {@code PGUSER}, {@code PGPASSWORD}) and {@code JDBC_DATABASE_URL}; templates may use {@code {{database.*}}}.
 */
public record DatabaseDeclaration(String engine, List<Migration> migrations) {
    public static final String POSTGRES = "postgres";

    public DatabaseDeclaration {
        migrations = migrations == null ? List.of() : List.copyOf(migrations);
    }

    /** The version of the last migration (null: none). */
    public String latestVersion() {
        return migrations.isEmpty() ? null : migrations.getLast().version();
    }
}
