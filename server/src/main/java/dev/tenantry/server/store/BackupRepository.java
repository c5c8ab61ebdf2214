package dev.tenantry.server.store;

import dev.tenantry.api.model.Backup;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** Database backups (taken by the backup workers through row leases) and the restores waiting to be loaded. */
public final class BackupRepository {
    private final Handle h;

    BackupRepository(Handle h) {
        this.h = h;
    }

    /** A new backup, due for the workers now. */
    public void insert(String id, String instanceUid, String tenant, String instanceName, String trigger, String release, String operation,
                       String createdBy, Instant now) {
        h.createUpdate("insert into database_backups (id, instance_uid, tenant, instance_name, trigger, state, release, message, operation,"
                        + " created_by, created_at, reconcile_at) values (:id, :uid, :t, :n, :trig, 'pending', :rel, 'waiting for a backup worker',"
                        + " :op, :by, :now, now())")
                .bind("id", id).bind("uid", instanceUid).bind("t", tenant).bind("n", instanceName).bind("trig", trigger).bind("rel", release)
                .bind("op", operation).bind("by", createdBy).bind("now", now).execute();
    }

    public Optional<Backup> get(String id) {
        return h.createQuery("select * from database_backups where id = :id").bind("id", id).map((rs, c) -> row(rs)).findOne();
    }

    /** The backup, when it is one of that instance's. */
    public Optional<Backup> find(String instanceUid, String id) {
        return h.createQuery("select * from database_backups where id = :id and instance_uid = :u").bind("id", id).bind("u", instanceUid)
                .map((rs, c) -> row(rs)).findOne();
    }

    /** The encrypted key of a taken backup and the instance it is of. */
    public record Stored(String id, String instanceUid, byte[] wrappedKey, String migrationVersion) {}

    public Optional<Stored> stored(String id) {
        return h.createQuery("select id, instance_uid, wrapped_key, migration_version from database_backups where id = :id and state = 'succeeded'")
                .bind("id", id).map((rs, c) -> new Stored(rs.getString("id"), rs.getString("instance_uid"), rs.getBytes("wrapped_key"),
                        rs.getString("migration_version"))).findOne();
    }

    public String instanceOf(String id) {
        return h.createQuery("select instance_uid from database_backups where id = :id").bind("id", id).mapTo(String.class).one();
    }

    /** An instance's backups, the newest first. */
    public List<Backup> ofInstance(String instanceUid) {
        return h.createQuery("select * from database_backups where instance_uid = :u order by created_at desc, id").bind("u", instanceUid)
                .map((rs, c) -> row(rs)).list();
    }

    /**
     * A live instance with a database whose plan backs it up on a schedule, and no backup of it waiting or running: its
     * schedule, and since when it counts (its last scheduled backup, else its creation).
     */
    public record ScheduleCandidate(String instanceUid, String schedule, Instant since) {}

    /** Every schedule candidate, in one query (the timer looks every 30 s). */
    public List<ScheduleCandidate> scheduleCandidates() {
        return h.createQuery("select i.uid, p.database -> 'backups' ->> 'schedule' as schedule,"
                        + " coalesce((select max(b.created_at) from database_backups b where b.instance_uid = i.uid and b.trigger = 'scheduled'),"
                        + " i.created_at) as since from instances i join instance_databases d on d.instance_uid = i.uid"
                        + " join plans p on p.service = i.spec ->> 'service' and p.name = i.spec ->> 'plan'"
                        + " where " + InstanceRepository.LIVE + " and d.state not in ('dropping', 'dropped') and d.applied_release is not null"
                        + " and p.database -> 'backups' ->> 'schedule' is not null and not exists (select 1 from database_backups b"
                        + " where b.instance_uid = i.uid and b.state in ('pending', 'running')) order by i.uid")
                .map((rs, c) -> new ScheduleCandidate(rs.getString("uid"), rs.getString("schedule"), JsonColumns.instant(rs, "since"))).list();
    }


    /** Whether a backup of the instance is waiting or being taken. */
    public boolean inProgress(String instanceUid) {
        return h.createQuery("select exists (select 1 from database_backups where instance_uid = :u and state in ('pending', 'running'))")
                .bind("u", instanceUid).mapTo(Boolean.class).one();
    }

    public void markRunning(String id) {
        h.createUpdate("update database_backups set state = 'running', message = 'dumping the data' where id = :id").bind("id", id).execute();
    }

    public void succeeded(String id, String migrationVersion, int tables, long rows, long sizeBytes, byte[] wrappedKey, String message, Instant now) {
        h.createUpdate("update database_backups set state = 'succeeded', migration_version = :v, tables = :t, rows = :r, size_bytes = :s,"
                        + " wrapped_key = :k, message = :m, finished_at = :now where id = :id")
                .bind("id", id).bind("v", migrationVersion).bind("t", tables).bind("r", rows).bind("s", sizeBytes).bind("k", wrappedKey)
                .bind("m", message).bind("now", now).execute();
    }

    public void failed(String id, String message, Instant now) {
        h.createUpdate("update database_backups set state = 'failed', message = :m, finished_at = :now where id = :id")
                .bind("id", id).bind("m", message).bind("now", now).execute();
    }

    public void showMessage(String id, String message) {
        h.createUpdate("update database_backups set message = :m where id = :id").bind("id", id).bind("m", message).execute();
    }

    /** Forgets backups (their files are deleted by the caller); restores waiting for them go too. */
    public void delete(List<String> ids) {
        if (ids.isEmpty()) return;
        String[] array = ids.toArray(String[]::new);
        h.createUpdate("delete from database_restores where backup_id = any(cast(:ids as text[]))").bind("ids", array).execute();
        h.createUpdate("delete from database_backups where id = any(cast(:ids as text[]))").bind("ids", array).execute();
    }

    // --- restores

    /** A restore of {@code backupId} into the instance, loaded by the database workers. */
    public void requestRestore(String instanceUid, String backupId) {
        h.createUpdate("insert into database_restores (instance_uid, backup_id) values (:u, :b)"
                + " on conflict (instance_uid) do update set backup_id = :b, error = null, requested_at = now()")
                .bind("u", instanceUid).bind("b", backupId).execute();
    }

    public record Restore(String instanceUid, String backupId, String error) {}

    public Optional<Restore> restore(String instanceUid) {
        return h.createQuery("select * from database_restores where instance_uid = :u").bind("u", instanceUid)
                .map((rs, c) -> new Restore(rs.getString("instance_uid"), rs.getString("backup_id"), rs.getString("error"))).findOne();
    }

    public void restoreFailed(String instanceUid, String error) {
        h.createUpdate("update database_restores set error = :e where instance_uid = :u").bind("u", instanceUid).bind("e", error).execute();
    }

    public void restoreDone(String instanceUid) {
        h.createUpdate("delete from database_restores where instance_uid = :u").bind("u", instanceUid).execute();
    }

    // --- leases




    private Leases leases() {
        return new Leases(h, Leases.Table.BACKUPS);
    }

    private static Backup row(ResultSet rs) throws SQLException {
        return new Backup(rs.getString("id"), rs.getString("tenant"), rs.getString("instance_name"), rs.getString("trigger"), rs.getString("state"),
                rs.getString("release"), rs.getString("migration_version"), (Integer) rs.getObject("tables"), (Long) rs.getObject("rows"),
                (Long) rs.getObject("size_bytes"), rs.getString("message"), rs.getString("operation"), rs.getString("created_by"),
                JsonColumns.instant(rs, "created_at"), JsonColumns.instant(rs, "finished_at"));
    }
}
