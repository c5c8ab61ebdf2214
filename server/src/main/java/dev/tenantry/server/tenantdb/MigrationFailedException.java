package dev.tenantry.server.tenantdb;

import dev.tenantry.api.model.InstanceDatabase.AppliedMigration;
import java.util.List;

/**
 * A release's migration failed for a tenant (bad SQL, a conflict with its data, a changed migration): not worth retrying
 * as it is. {@code applied}: the tenant's history after it (the migrations before the failing one stay applied).
 */
public final class MigrationFailedException extends RuntimeException {
    private final transient List<AppliedMigration> applied;

    public MigrationFailedException(String message, List<AppliedMigration> applied, Throwable cause) {
        super(message, cause);
        this.applied = List.copyOf(applied);
    }

    public List<AppliedMigration> applied() {
        return applied;
    }
}
