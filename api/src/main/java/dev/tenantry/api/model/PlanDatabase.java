package dev.tenantry.api.model;

/**
 * The database that instances on a plan get, when their release declares one: its isolation model
 * (null: {@link DatabaseIsolation#schema}), and when they are backed up (null: on demand only).
 */
public record PlanDatabase(DatabaseIsolation isolation, BackupPolicy backups) {
    public PlanDatabase(DatabaseIsolation isolation) {
        this(isolation, null);
    }

    public static final DatabaseIsolation DEFAULT_ISOLATION = DatabaseIsolation.schema;

    public DatabaseIsolation isolationOrDefault() {
        return isolation == null ? DEFAULT_ISOLATION : isolation;
    }

    public static DatabaseIsolation isolationOf(Plan plan) {
        return plan.database() == null ? DEFAULT_ISOLATION : plan.database().isolationOrDefault();
    }
}
