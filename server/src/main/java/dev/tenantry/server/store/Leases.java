package dev.tenantry.server.store;

import java.time.Duration;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * Row leases on a table of reconciled objects (columns {@code reconcile_at}, {@code reconcile_requested},
 * {@code lease_owner}, {@code lease_until}; instances keep theirs in the narrow {@code instance_leases}): several server replicas claim due rows with {@code FOR UPDATE SKIP
 * LOCKED}, so that one object is never worked on twice at a time, and a crashed replica's lease expires.
 */
public final class Leases {
    /** The tables of reconciled objects, with their keys, and the name of their queue (a metric's label). */
    public enum Table {
        INSTANCES("instance_leases", "uid", "instances"), ROLLOUTS("rollouts", "id", "rollouts"),
        DATABASES("instance_databases", "instance_uid", "instance_databases"), BACKUPS("database_backups", "id", "database_backups"),
        WEBHOOKS("webhooks", "id", "webhooks");

        final String name;
        final String key;
        final String queue;

        Table(String name, String key, String queue) {
            this.name = name;
            this.key = key;
            this.queue = queue;
        }
    }

    /** The time of the next pass: {@code :next} milliseconds from now, or none ({@code :next} null: only when something changes). */
    private static final String NEXT_PASS = "case when :next::bigint is null then null else now() + cast(:next || ' milliseconds' as interval) end";

    private final Handle h;
    private final String table;
    private final String key;

    Leases(Handle h, Table table) {
        this.h = h;
        this.table = table.name;
        this.key = table.key;
    }

    /** Claims up to {@code limit} rows whose reconcile time has come and whose lease is free or expired. */
    public List<String> claimDue(String owner, Duration lease, int limit) {
        return h.createQuery("update " + table + " set lease_owner = :owner, lease_until = now() + cast(:lease as interval)"
                        + " where " + key + " in (select " + key + " from " + table + " where reconcile_at <= now()"
                        + " and (lease_until is null or lease_until < now()) order by reconcile_at limit :limit"
                        + " for update skip locked) returning " + key)
                .bind("owner", owner).bind("lease", lease.toMillis() + " milliseconds").bind("limit", limit)
                .map(FirstColumn.STRING).list();
    }

    /**
     * Up to {@code limit} rows whose reconcile time has come and that no lease holds, earliest first: a look, nothing
     * claimed. For passes that take their row's lock in their own transaction instead of a lease (instances).
     */
    public List<String> due(int limit) {
        return h.createQuery("select " + key + " from " + table + " where reconcile_at <= now() and (lease_until is null or lease_until < now())"
                        + " order by reconcile_at limit :limit")
                .bind("limit", limit).map(FirstColumn.STRING).list();
    }

    /** Schedules the next pass of a row this transaction has locked for its pass ({@code next} null: only when something changes). */
    public void reschedule(String id, Duration next) {
        rescheduleWrite(id, next).execute(h);
    }

    /** The write of {@link #reschedule}, to send later ({@link Tx#atCommit}). */
    public Write rescheduleWrite(String id, Duration next) {
        return new Write("update " + table + " set reconcile_at = " + NEXT_PASS + ","
                        + " reconcile_requested = false, reconcile_failures = 0 where " + key + " = :id")
                .bind("id", id).bind("next", next == null ? null : next.toMillis());
    }

    /**
     * After a failed pass of a row that no lease held (its transaction rolled back): counts the failure and schedules
     * the next pass after {@code backoff} of the failures in a row. Returns them; 0 when the row is gone.
     */
    public int countFailure(String id, java.util.function.IntFunction<Duration> backoff) {
        Integer failures = h.createQuery("select reconcile_failures + 1 from " + table + " where " + key + " = :id for update")
                .bind("id", id).mapTo(Integer.class).findOne().orElse(null);
        if (failures == null) return 0;
        h.createUpdate("update " + table + " set reconcile_requested = false, reconcile_failures = :failures,"
                        + " reconcile_at = now() + cast(:next || ' milliseconds' as interval) where " + key + " = :id")
                .bind("id", id).bind("failures", failures).bind("next", backoff.apply(failures).toMillis()).execute();
        return failures;
    }

    /** Extends a lease its owner still holds by {@code lease} from now (a long pass's heartbeat); false when it is no longer theirs. */
    public boolean extend(String id, String owner, Duration lease) {
        return h.createUpdate("update " + table + " set lease_until = now() + cast(:lease as interval) where " + key + " = :id and lease_owner = :owner")
                .bind("id", id).bind("owner", owner).bind("lease", lease.toMillis() + " milliseconds").execute() == 1;
    }

    /** Gives the lease back; {@code next} schedules the next pass (null: only when something changes). */
    public void release(String id, String owner, Duration next) {
        h.createUpdate("update " + table + " set lease_owner = null, lease_until = null,"
                        + " reconcile_at = case when reconcile_requested then now() else " + NEXT_PASS + " end,"
                        + " reconcile_requested = false, reconcile_failures = 0 where " + key + " = :id and lease_owner = :owner")
                .bind("id", id).bind("owner", owner).bind("next", next == null ? null : next.toMillis()).execute();
    }

    /**
     * Gives the lease back after a failed pass: counts the failure and schedules the next pass after
     * {@code backoff} of the failures in a row (a request for a pass meanwhile does not cut the wait short).
     * Returns the failures in a row; 0 when {@code owner} no longer held the lease.
     */
    public int releaseAfterFailure(String id, String owner, java.util.function.IntFunction<Duration> backoff) {
        Integer failures = h.createQuery("select reconcile_failures + 1 from " + table + " where " + key + " = :id and lease_owner = :owner")
                .bind("id", id).bind("owner", owner).mapTo(Integer.class).findOne().orElse(null);
        if (failures == null) return 0;
        h.createUpdate("update " + table + " set lease_owner = null, lease_until = null, reconcile_requested = false,"
                        + " reconcile_failures = :failures, reconcile_at = now() + cast(:next || ' milliseconds' as interval)"
                        + " where " + key + " = :id and lease_owner = :owner")
                .bind("id", id).bind("owner", owner).bind("failures", failures).bind("next", backoff.apply(failures).toMillis()).execute();
        return failures;
    }

    /** Asks for a pass now; a pass already running will run again when it ends. */
    public void requestReconcile(String id) {
        h.createUpdate("update " + table + " set reconcile_at = least(reconcile_at, now()),"
                + " reconcile_requested = lease_owner is not null where " + key + " = :id").bind("id", id).execute();
    }
}
