package dev.tenantry.api.model;

/**
 * The database that instances on a plan get, when their release declares one: its isolation model
 * (null: {@link DatabaseIsolation#schema}).
 */
public record PlanDatabase(DatabaseIsolation isolation) {
    public static final DatabaseIsolation DEFAULT_ISOLATION = DatabaseIsolation.schema;

    public DatabaseIsolation isolationOrDefault() {
        return isolation == null ? DEFAULT_ISOLATION : isolation;
    }

    public static DatabaseIsolation isolationOf(Plan plan) {
        return plan.database() == null ? DEFAULT_ISOLATION : plan.database().isolationOrDefault();
    }
}
