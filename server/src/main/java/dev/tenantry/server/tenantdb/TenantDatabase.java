package dev.tenantry.server.tenantdb;

import dev.tenantry.api.model.DatabaseIsolation;
import dev.tenantry.api.model.InstanceDatabase;
import dev.tenantry.api.model.InstanceDatabase.AppliedMigration;
import java.time.Instant;
import java.util.List;

/**
 * An instance's database as the control plane keeps it: where it is ({@link Location}), its login generations
 * ({@link Logins}), how far its migrations are ({@link Progress}), and whether it is to be dropped (the instance was purged).
 */
public record TenantDatabase(String instanceUid, String tenant, String service, Location location, Logins logins, Progress progress,
                             Move move, boolean dropRequested, Instant updatedAt) {

    /**
     * A move to another isolation model: the location it moves to (null: not moving), the one it moved from (null:
     * cleaned up), the model a move failed to go to (not tried again until the plan asks for another), and whether the
     * workload runs on the new location only, so that the old one may be dropped.
     */
    public record Move(Location to, Location from, DatabaseIsolation failedTo, boolean cleanupRequested) {
        public static final Move NONE = new Move(null, null, null, false);

        public boolean moving() {
            return to != null;
        }
    }

    /**
     * The login generation the workload is given ({@code current}: the password secret's version), the first one not
     * dropped yet, and whether every replica runs with the current one, so that the older ones may be dropped.
     */
    public record Logins(int current, int retiredBelow, boolean retireRequested) {
        public static final Logins FIRST = new Logins(1, 1, false);

        public boolean oldOnesLeft() {
            return retiredBelow < current;
        }
    }

    /** The server, the database and schema, and the group role that owns the tenant's objects and privileges. */
    public record Location(DatabaseIsolation isolation, String server, String database, String schema, String role) {
        /** The login role of a generation: a member of {@link #role} whose sessions act as it. */
        public String login(int generation) {
            return role + "_" + generation;
        }
    }

    /**
     * The release whose migrations the workload needs ({@code desiredRelease}), the last one run to the end
     * ({@code appliedRelease}), the one whose migrations failed ({@code failedRelease}, with the reason in
     * {@code message}), the versions in the tenant's history, and the state.
     */
    public record Progress(String desiredRelease, String appliedRelease, String failedRelease, List<AppliedMigration> migrations, State state,
                           String message) {
        public Progress {
            migrations = migrations == null ? List.of() : List.copyOf(migrations);
        }

        public static Progress provisioning(String release) {
            return new Progress(release, null, null, List.of(), State.provisioning, "creating the database and its roles");
        }

        /** Whether the workload of {@code release} can run on the database: its migrations ran. */
        public boolean readyFor(String release) {
            return state == State.ready && release.equals(appliedRelease) && release.equals(desiredRelease);
        }

        /** Whether the migrations of {@code release} failed (a corrected release, or a rollback, moves on). */
        public boolean failedFor(String release) {
            return release.equals(failedRelease) && release.equals(desiredRelease);
        }
    }

    public enum State { provisioning, migrating, moving, ready, failed, dropping, dropped }

    public String login() {
        return location.login(logins.current());
    }

    public InstanceDatabase toApi(String instanceName, String host, Integer port) {
        return new InstanceDatabase(instanceName, location.isolation(), location.server(), host, port, location.database(), location.schema(),
                login(), progress.state().name(), progress.message(), progress.appliedRelease(), progress.migrations(), updatedAt);
    }
}
