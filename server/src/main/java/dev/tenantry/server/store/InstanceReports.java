package dev.tenantry.server.store;

import dev.tenantry.api.cell.ObservedInstance;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * Stores an agent's report of its cell on the instances' rows: each reported instance whose observation changed, and
 * each instance the agent no longer runs (null observation). Instances whose observed state, generation or message
 * moved, and deleting or purging ones once the agent has caught up with their removal, get a reconcile pass.
 *
 * <p>A report of changes (most reports: an agent sends what moved since its last one) writes one statement per named
 * instance, all of the same shape and sent as one batch: each locks its row, writes it and asks for its pass. Such
 * statements are planned once per connection (generic plans of primary-key lookups), where one statement over arrays of
 * every size is planned again for each report. A full report (every few minutes, and after an agent starts) also stops
 * every instance of the cell it does not list: it reads the cell's rows, in two statements over arrays.
 *
 * <p>Rows are locked in uid order, as every transaction that locks several instances does (a rollout's pass): locked in
 * whatever order a plan visits them, they could deadlock with it. Rows whose observation did not change (most of a
 * full report's) are not locked.
 */
final class InstanceReports {
    private static final String LIVE = InstanceRepository.LIVE;
    /** The rows a report may change: not deleted for good (a purging instance's stop is still to be seen). */
    private static final String NOT_GONE = "i.phase not in ('DELETED', 'PURGED')";
    /** A row that stopped running matters while it ran or while its removal is not yet seen by the agent. */
    private static final String GONE_TO_UPDATE = "(i.observed is not null or (i.phase in ('DELETING', 'PURGING') and i.agent_revision < :rev))";
    private static final String SOON = "now() + interval '" + InstanceRepository.STARTING_PASS_DELAY.toMillis() + " milliseconds'";

    private final Handle h;

    InstanceReports(Handle h) {
        this.h = h;
    }

    /**
     * A pass is due only when the observed state, generation or message moved (the message tells a rollout's progress,
     * slot by slot); replica details (pids, restarts) are shown from the observation itself (InstanceRecord.toApi),
     * without a pass. {@code o}: the new observation.
     */
    private static String decisive(String o) {
        return "(i.observed is null or i.observed->>'state' is distinct from " + o + "->>'state'"
                + " or i.observed->>'generation' is distinct from " + o + "->>'generation'"
                + " or i.observed->>'message' is distinct from " + o + "->>'message')";
    }

    /**
     * A new instance's first observation, its replicas starting, gets its pass a little later
     * ({@link InstanceRepository#STARTING_PASS_DELAY}): when they are healthy by then, as most are, one pass sees them
     * running instead of two.
     */
    private static String firstStart(String o) {
        return "(i.observed is null and i.phase = 'PROVISIONING' and " + o + "->>'state' = 'STARTING')";
    }

    /**
     * One reported instance: its row locked if its observation changed, written, and its pass asked for, soon or now;
     * counts 1 for a pass asked for now.
     */
    private static final String OBSERVED = "with old as (select i.uid, " + decisive("cast(:o as jsonb)") + " as due, "
            + firstStart("cast(:o as jsonb)") + " as soon from instances i"
            + " where i.uid = :uid and i.cell = :cell and " + LIVE + " and i.observed is distinct from cast(:o as jsonb) for update of i),"
            + " written as (update instances i set observed = cast(:o as jsonb), agent_revision = :rev from old where i.uid = old.uid),"
            // a pass running now schedules its own next one when it ends: a soon one is not asked of it
            + " soon as (update instance_leases l set reconcile_at = least(l.reconcile_at, " + SOON + ")"
            + " from old where l.uid = old.uid and old.due and old.soon and l.lease_owner is null)"
            + " update instance_leases l set reconcile_at = least(l.reconcile_at, now()), reconcile_requested = l.lease_owner is not null"
            + " from old where l.uid = old.uid and old.due and not old.soon";

    /** One instance the agent names as removed: no observation any more, and a pass now (counts 1). */
    private static final String REMOVED = "with old as (select i.uid from instances i where i.uid = :uid and i.cell = :cell and " + NOT_GONE
            + " and " + GONE_TO_UPDATE + " for update of i),"
            + " asked as (update instance_leases l set reconcile_at = least(l.reconcile_at, now()), reconcile_requested = l.lease_owner is not null"
            + " from old where l.uid = old.uid)"
            + " update instances i set observed = null, agent_revision = :rev from old where i.uid = old.uid";

    /**
     * Stores the report; returns the instances it asked passes of now, in uid order (those asked for soon are found by
     * the workers' look when due, and an observation that changed only in its details asks for none: nobody needs waking
     * for them).
     */
    List<String> save(String cell, long agentRevision, boolean full, List<ObservedInstance> observed, List<String> removed) {
        return full ? saveFull(cell, agentRevision, observed) : saveChanges(cell, agentRevision, observed, removed);
    }

    private record Named(String uid, ObservedInstance observation) {}

    /**
     * A report of changes: one statement per named instance, in uid order, each run of one kind sent as one batch; a
     * statement's count (1: a pass asked for now) names its instance by its place in the batch.
     */
    private List<String> saveChanges(String cell, long agentRevision, List<ObservedInstance> observed, List<String> removed) {
        List<Named> named = new ArrayList<>(observed.size() + removed.size());
        observed.forEach(o -> named.add(new Named(o.instanceUid(), o)));
        removed.forEach(uid -> named.add(new Named(uid, null)));
        named.sort(Comparator.comparing(Named::uid));
        List<String> due = new ArrayList<>();
        int from = 0;
        while (from < named.size()) {
            boolean observes = named.get(from).observation() != null;
            int to = from;
            PreparedBatch batch = h.prepareBatch(observes ? OBSERVED : REMOVED);
            for (; to < named.size() && (named.get(to).observation() != null) == observes; to++) {
                Named n = named.get(to);
                batch.bind("uid", n.uid()).bind("cell", cell).bind("rev", agentRevision);
                if (observes) batch.bind("o", JsonColumns.write(n.observation()));
                batch.add();
            }
            int[] counts = batch.execute();
            for (int i = 0; i < counts.length; i++) {
                if (counts[i] > 0) due.add(named.get(from + i).uid());
            }
            from = to;
        }
        return due;
    }

    /** A row a full report changes: whether it gets a pass, and whether that pass may wait a little. */
    private record ReportedRow(String uid, boolean due, boolean soon) {}

    /**
     * A full report: every listed instance whose observation changed, and every instance of the cell it does not list
     * (stopped). The rows are read and locked first, in uid order; the two updates then change them; the same read
     * names those that get a pass (their lease rows asked in the same uid order).
     */
    private List<String> saveFull(String cell, long agentRevision, List<ObservedInstance> observed) {
        String[] uids = observed.stream().map(ObservedInstance::instanceUid).toArray(String[]::new);
        String[] json = observed.stream().map(JsonColumns::write).toArray(String[]::new);
        String notListed = " and i.uid <> all(cast(:uids as text[]))";
        List<ReportedRow> toChange = h.createQuery("select i.uid, (v.uid is null or (" + LIVE + " and " + decisive("cast(v.o as jsonb)") + ")) as due,"
                        + " coalesce(" + firstStart("cast(v.o as jsonb)") + ", false) as soon"
                        + " from instances i left join unnest(cast(:uids as text[]), cast(:obs as text[])) as v(uid, o) on v.uid = i.uid"
                        + " where i.cell = :cell and " + NOT_GONE + " and (v.uid is not null and i.observed is distinct from"
                        + " cast(v.o as jsonb) or v.uid is null" + notListed + " and " + GONE_TO_UPDATE + ") order by i.uid for update of i")
                .bind("cell", cell).bind("uids", uids).bind("obs", json).bind("rev", agentRevision)
                .map((rs, ctx) -> new ReportedRow(rs.getString("uid"), rs.getBoolean("due"), rs.getBoolean("soon")))
                .list();
        if (toChange.isEmpty()) return List.of(); // nothing moved: the updates below would change no row
        List<String> due = toChange.stream().filter(r -> r.due() && !r.soon()).map(ReportedRow::uid).toList();
        List<String> dueSoon = toChange.stream().filter(r -> r.due() && r.soon()).map(ReportedRow::uid).toList();
        h.createUpdate("update instances i set observed = cast(v.o as jsonb), agent_revision = :rev"
                        + " from unnest(cast(:uids as text[]), cast(:obs as text[])) as v(uid, o)"
                        + " where i.uid = v.uid and i.cell = :cell and " + LIVE + " and i.observed is distinct from cast(v.o as jsonb)")
                .bind("rev", agentRevision).bind("cell", cell).bind("uids", uids).bind("obs", json).execute();
        h.createUpdate("update instances i set observed = null, agent_revision = :rev"
                        + " where i.cell = :cell and " + NOT_GONE + notListed + " and " + GONE_TO_UPDATE)
                .bind("rev", agentRevision).bind("cell", cell).bind("uids", uids).execute();
        if (!due.isEmpty()) {
            h.createUpdate("update instance_leases set reconcile_at = least(reconcile_at, now()), reconcile_requested = lease_owner is not null"
                    + " where uid = any(cast(:due as text[]))").bind("due", due.toArray(String[]::new)).execute();
        }
        if (!dueSoon.isEmpty()) {
            h.createUpdate("update instance_leases set reconcile_at = least(reconcile_at, " + SOON + ")"
                    + " where uid = any(cast(:due as text[])) and lease_owner is null").bind("due", dueSoon.toArray(String[]::new)).execute();
        }
        return due;
    }
}
