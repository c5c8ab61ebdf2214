package dev.tenantry.server.store;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.tenantry.api.model.DatabaseIsolation;
import dev.tenantry.api.model.InstanceDatabase.AppliedMigration;
import dev.tenantry.server.tenantdb.TenantDatabase;
import dev.tenantry.server.tenantdb.TenantDatabase.Location;
import dev.tenantry.server.tenantdb.TenantDatabase.Progress;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** Each instance's database (reconciled through row leases by the database workers). */
public final class TenantDatabaseRepository {
    private static final TypeReference<List<AppliedMigration>> MIGRATIONS = new TypeReference<>() {};
    private final Handle h;

    TenantDatabaseRepository(Handle h) {
        this.h = h;
    }

    /** A new database, due for its first pass now. */
    public void insert(TenantDatabase d) {
        Location l = d.location();
        h.createUpdate("insert into instance_databases (instance_uid, tenant, service, isolation, server, database_name, schema_name, role_name,"
                        + " login_generation, desired_release, state, message, reconcile_at)"
                        + " values (:uid, :t, :s, :i, :srv, :db, :sch, :role, :gen, :rel, :state, :msg, now())")
                .bind("uid", d.instanceUid()).bind("t", d.tenant()).bind("s", d.service()).bind("i", l.isolation().name())
                .bind("srv", l.server()).bind("db", l.database()).bind("sch", l.schema()).bind("role", l.role())
                .bind("gen", d.logins().current()).bind("rel", d.progress().desiredRelease()).bind("state", d.progress().state().name())
                .bind("msg", d.progress().message()).execute();
    }

    public Optional<TenantDatabase> get(String instanceUid) {
        return h.createQuery("select * from instance_databases where instance_uid = :u").bind("u", instanceUid).map((rs, c) -> row(rs)).findOne();
    }

    /** A tenant database of its own (not a shared pool's rows) of a live instance, with the instance's cell. */
    public record Measurable(TenantDatabase database, String cell) {}

    public List<Measurable> measurable() {
        return h.createQuery("select d.*, i.cell as instance_cell from instance_databases d join instances i on i.uid = d.instance_uid"
                        + " where i.phase not in ('DELETED', 'PURGING', 'PURGED') and d.state <> 'dropped' and i.cell is not null")
                .map((rs, c) -> new Measurable(row(rs), rs.getString("instance_cell"))).list();
    }

    /** The server of the service's shared pool in the region, if it has one. */
    public Optional<String> poolServer(String service, String region) {
        return h.createQuery("select d.server from instance_databases d join database_servers s on s.name = d.server"
                        + " where d.service = :svc and d.isolation = 'shared' and s.region = :r and d.state <> 'dropped' order by d.created_at limit 1")
                .bind("svc", service).bind("r", region).mapTo(String.class).findOne();
    }

    /** The workload needs the migrations of {@code release}: a pass runs them. */
    public void requestRelease(String instanceUid, String release) {
        h.createUpdate("update instance_databases set desired_release = :r, state = case when state = 'provisioning' then state else 'migrating' end,"
                        + " message = :m, updated_at = now() where instance_uid = :u")
                .bind("u", instanceUid).bind("r", release).bind("m", "running the migrations of release " + release).execute();
        leases().requestReconcile(instanceUid);
    }

    /**
     * Stores what a pass did, unless the release asked for changed meanwhile (the next pass, already requested, works for
     * that one). Returns whether it was stored.
     */
    public boolean saveProgress(String instanceUid, String forRelease, Progress p) {
        return h.createUpdate("update instance_databases set applied_release = :applied, failed_release = :failed, migrations = cast(:m as jsonb),"
                        + " state = :state, message = :msg, updated_at = now() where instance_uid = :u and desired_release = :rel and not drop_requested")
                .bind("u", instanceUid).bind("rel", forRelease).bind("applied", p.appliedRelease()).bind("failed", p.failedRelease())
                .bind("m", JsonColumns.write(p.migrations())).bind("state", p.state().name()).bind("msg", p.message()).execute() == 1;
    }

    /**
     * A new login generation (its password already stored as that version of the secret): the workers create it, and
     * the instance renders with it once they have.
     */
    public void startRotation(String instanceUid, int generation) {
        h.createUpdate("update instance_databases set login_generation = :g, retire_logins = false, state = 'provisioning', message = :m,"
                        + " updated_at = now() where instance_uid = :u")
                .bind("u", instanceUid).bind("g", generation).bind("m", "creating login generation " + generation).execute();
        leases().requestReconcile(instanceUid);
    }

    /** The workload runs with the current login only: the workers may drop the older ones. */
    public void requestLoginRetirement(String instanceUid) {
        h.createUpdate("update instance_databases set retire_logins = true where instance_uid = :u and not retire_logins").bind("u", instanceUid).execute();
        leases().requestReconcile(instanceUid);
    }


    /** The logins below {@code below} were dropped. */
    public void loginsRetired(String instanceUid, int below) {
        h.createUpdate("update instance_databases set logins_retired_below = greatest(logins_retired_below, :b), retire_logins = false"
                        + " where instance_uid = :u")
                .bind("u", instanceUid).bind("b", below).execute();
    }

    /** Moves the database to {@code to} (another model): the workers copy it there and switch. */
    public void requestMove(String instanceUid, Location to) {
        h.createUpdate("update instance_databases set move_to = cast(:to as jsonb), move_failed_to = null, state = 'moving', message = :m,"
                        + " updated_at = now() where instance_uid = :u")
                .bind("u", instanceUid).bind("to", JsonColumns.write(to))
                .bind("m", "moving to a " + to.isolation() + " database on server " + to.server()).execute();
        leases().requestReconcile(instanceUid);
    }

    /** The move is done: the database is at its new location; the old one is cleaned up once the workload runs on the new one. */
    public void moved(String instanceUid, Location from, Location to, String message) {
        h.createUpdate("update instance_databases set isolation = :i, server = :srv, database_name = :db, schema_name = :sch, role_name = :role,"
                        + " move_to = null, moved_from = cast(:from as jsonb), state = 'ready', message = :m, updated_at = now() where instance_uid = :u")
                .bind("u", instanceUid).bind("i", to.isolation().name()).bind("srv", to.server()).bind("db", to.database()).bind("sch", to.schema())
                .bind("role", to.role()).bind("from", JsonColumns.write(from)).bind("m", message).execute();
    }

    /** The move failed: the database stays where it was (and serves again); no new try until another model is asked for. */
    public void moveFailed(String instanceUid, String message) {
        h.createUpdate("update instance_databases set move_failed_to = move_to ->> 'isolation', move_to = null, state = 'ready', message = :m,"
                        + " updated_at = now() where instance_uid = :u")
                .bind("u", instanceUid).bind("m", message).execute();
    }

    /** The workload runs on the new location only: the workers may drop the old one. */
    public void requestCleanup(String instanceUid) {
        h.createUpdate("update instance_databases set cleanup_requested = true where instance_uid = :u and not cleanup_requested")
                .bind("u", instanceUid).execute();
        leases().requestReconcile(instanceUid);
    }


    public void cleanedUp(String instanceUid) {
        h.createUpdate("update instance_databases set moved_from = null, cleanup_requested = false where instance_uid = :u")
                .bind("u", instanceUid).execute();
    }

    /** The instance was purged: its database, roles and rows go. */
    public void requestDrop(String instanceUid) {
        h.createUpdate("update instance_databases set drop_requested = true, state = 'dropping', message = 'dropping the database and its roles',"
                + " updated_at = now() where instance_uid = :u and state <> 'dropped'").bind("u", instanceUid).execute();
        leases().requestReconcile(instanceUid);
    }

    public void markDropped(String instanceUid) {
        h.createUpdate("update instance_databases set state = 'dropped', message = 'dropped: nothing of it is left on the server',"
                + " updated_at = now() where instance_uid = :u").bind("u", instanceUid).execute();
    }

    /** Lets go of a server that is deregistered: the dropped databases it held are remembered without it. */
    public void forgetDroppedOn(String server) {
        h.createUpdate("update instance_databases set server = null where server = :s and state = 'dropped'").bind("s", server).execute();
    }

    /** Shows why passes fail (the server unreachable, say), keeping the state. */
    public void showMessage(String instanceUid, String message) {
        h.createUpdate("update instance_databases set message = :m, updated_at = now() where instance_uid = :u")
                .bind("u", instanceUid).bind("m", message).execute();
    }




    public void requestReconcile(String instanceUid) {
        leases().requestReconcile(instanceUid);
    }

    private Leases leases() {
        return new Leases(h, Leases.Table.DATABASES);
    }

    private static TenantDatabase row(ResultSet rs) throws SQLException {
        Location location = new Location(DatabaseIsolation.valueOf(rs.getString("isolation")), rs.getString("server"), rs.getString("database_name"),
                rs.getString("schema_name"), rs.getString("role_name"));
        Progress progress = new Progress(rs.getString("desired_release"), rs.getString("applied_release"), rs.getString("failed_release"),
                JsonColumns.read(rs, "migrations", MIGRATIONS), TenantDatabase.State.valueOf(rs.getString("state")), rs.getString("message"));
        String failedTo = rs.getString("move_failed_to");
        TenantDatabase.Move move = new TenantDatabase.Move(JsonColumns.read(rs, "move_to", Location.class), JsonColumns.read(rs, "moved_from", Location.class),
                failedTo == null ? null : DatabaseIsolation.valueOf(failedTo), rs.getBoolean("cleanup_requested"));
        return new TenantDatabase(rs.getString("instance_uid"), rs.getString("tenant"), rs.getString("service"), location,
                new TenantDatabase.Logins(rs.getInt("login_generation"), rs.getInt("logins_retired_below"), rs.getBoolean("retire_logins")), progress, move, rs.getBoolean("drop_requested"), JsonColumns.instant(rs, "updated_at"));
    }
}
