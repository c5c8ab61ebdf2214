package dev.tenantry.server.store;

import dev.tenantry.api.cell.CellDesiredState;
import dev.tenantry.api.cell.Deployment;
import dev.tenantry.api.cell.ObservedInstance;
import dev.tenantry.api.model.InstanceSpec;
import dev.tenantry.api.model.InstanceStatus;
import dev.tenantry.api.model.Operation;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

public final class InstanceRepository {
    /** The condition on an instance row {@code i} that it is not deleted (nor purging or purged). */
    static final String LIVE = "i.phase not in ('DELETED', 'PURGING', 'PURGED')";
    /**
     * How long after an agent first reports a new instance's replicas starting its pass comes (any other change of its
     * observation asks for one at once): the pass only shows the start's progress, and a replica healthy by then saves
     * it (a third of a new instance's passes). Long enough for a burst: fifty creates at once wait up to some seconds for
     * their cell's start slots, and at 2 s half of them had a pass that showed only that they were still starting.
     */
    public static final java.time.Duration STARTING_PASS_DELAY = java.time.Duration.ofSeconds(5);
    private final Handle h;

    InstanceRepository(Handle h) {
        this.h = h;
    }

    /**
     * Inserts the new instance (placed and published already, or not), with its first reconcile pass due now; returns
     * it as stored (its times the database's), or nothing when the tenant already has a live instance of that name.
     */
    public Optional<InstanceRecord> insert(InstanceRecord r) {
        return h.createQuery("with inserted as (insert into instances (uid, tenant, name, generation, spec, phase, status, last_operation,"
                        + " observed_generation, cell, deployment, published, published_revision)"
                        + " values (:uid, :tenant, :name, :gen, cast(:spec as jsonb), :phase, cast(:status as jsonb), :op,"
                        + " :og, :cell, cast(:dep as jsonb), :pub, :prev)"
                        + " on conflict (tenant, name) where " + LIVE.replace("i.", "") + " do nothing returning uid, created_at, updated_at),"
                        + " leased as (insert into instance_leases (uid, reconcile_at) select uid, now() from inserted)"
                        + " select created_at, updated_at from inserted")
                .bind("uid", r.uid()).bind("tenant", r.tenant()).bind("name", r.name()).bind("gen", r.generation())
                .bind("spec", JsonColumns.write(r.spec())).bind("phase", r.phase().name())
                .bind("status", JsonColumns.write(r.status())).bind("op", r.lastOperation())
                .bind("og", r.status().observedGeneration()).bind("cell", r.cell())
                .bind("dep", r.deployment() == null ? null : JsonColumns.write(r.deployment()))
                .bind("pub", r.published()).bind("prev", r.publishedRevision())
                .map((rs, c) -> new InstanceRecord(r.uid(), r.tenant(), r.name(), r.generation(), r.spec(), r.status(), null, r.cell(),
                        r.deployment(), r.published(), r.publishedRevision(), 0, r.lastOperation(), null, null,
                        JsonColumns.instant(rs, "created_at"), JsonColumns.instant(rs, "updated_at")))
                .findOne();
    }

    /** The live (not deleted) instance of that name, else the most recently deleted one. */
    public Optional<InstanceRecord> get(String tenant, String name) {
        return h.createQuery("select * from instances i where tenant = :t and name = :n"
                        + " order by (" + LIVE + ") desc, updated_at desc limit 1")
                .bind("t", tenant).bind("n", name).map((rs, c) -> row(rs)).findOne();
    }

    /** The deleted instances of that name that still have their data (DELETED), the most recently deleted first. */
    public List<InstanceRecord> restorable(String tenant, String name) {
        return h.createQuery("select * from instances where tenant = :t and name = :n and phase = 'DELETED' order by updated_at desc")
                .bind("t", tenant).bind("n", name).map((rs, c) -> row(rs)).list();
    }


    /** Up to {@code limit} DELETED instances whose purge time has come, oldest first. */
    public List<String> purgeDue(int limit) {
        return h.createQuery("select uid from instances where phase = 'DELETED' and purge_at <= now() order by purge_at limit :limit")
                .bind("limit", limit).mapTo(String.class).list();
    }

    public Optional<InstanceRecord> byUid(String uid) {
        return h.createQuery("select * from instances where uid = :u").bind("u", uid).map((rs, c) -> row(rs)).findOne();
    }

    /** The instances among {@code uids}, by uid, in one query. */
    public java.util.Map<String, InstanceRecord> byUids(java.util.Collection<String> uids) {
        return h.createQuery("select * from instances where uid = any(cast(:u as text[]))").bind("u", uids.toArray(String[]::new))
                .map((rs, c) -> row(rs)).list().stream().collect(java.util.stream.Collectors.toMap(InstanceRecord::uid, r -> r));
    }

    /**
     * What a reconcile pass starts from, in one statement: the instance's row, its last operation, its cell's
     * address, and whether it has custom domains and a tenant database (so that a pass need not ask when it has none).
     */
    public record PassInputs(InstanceRecord instance, Operation operation, CellRepository.Address cellAddress,
                             boolean hasCustomDomains, boolean hasDatabase) {}

    /**
     * These inputs when the instance's pass is due and no other transaction holds its row or its lease row: both
     * locked, so that this pass is its only one until it commits, and a request for a pass meanwhile is applied after
     * it (it waits for the lease row). Skipped, not waited for: a locked row is another pass's or a report's, which
     * asks for a pass again. Nothing when the pass is not due (another worker ran it) or the rows are locked.
     */
    public Optional<PassInputs> lockForPassIfDue(String uid) {
        return h.createQuery("select i.*, " + OperationRepository.columns("o", "op_") + ", c.base_domain, c.endpoint_template,"
                        + " exists (select 1 from custom_domains d where d.instance_uid = i.uid) as has_custom_domains,"
                        + " exists (select 1 from instance_databases b where b.instance_uid = i.uid) as has_database"
                        + " from instances i join instance_leases l on l.uid = i.uid left join operations o on o.id = i.last_operation"
                        + " left join cells c on c.id = i.cell where i.uid = :u and l.reconcile_at <= now()"
                        + " and (l.lease_until is null or l.lease_until < now()) for update of i, l skip locked")
                .bind("u", uid)
                .map((rs, c) -> new PassInputs(row(rs), rs.getString("op_id") == null ? null : OperationRepository.row(rs, "op_"),
                        rs.getString("base_domain") == null ? null : new CellRepository.Address(rs.getString("base_domain"), rs.getString("endpoint_template")),
                        rs.getBoolean("has_custom_domains"), rs.getBoolean("has_database")))
                .findOne();
    }

    public Optional<InstanceRecord> lockByUid(String uid) {
        return h.createQuery("select * from instances where uid = :u for update").bind("u", uid).map((rs, c) -> row(rs)).findOne();
    }

    /**
     * Locks these instances' rows in uid order, the order every transaction that locks several instances takes them
     * in (so that two of them never wait for each other); later locks of the same rows in the transaction are free.
     */
    public void lockInOrder(java.util.Collection<String> uids) {
        if (uids.isEmpty()) return;
        h.createQuery("select uid from instances where uid = any(cast(:u as text[])) order by uid for update")
                .bind("u", uids.toArray(String[]::new)).mapTo(String.class).list();
    }

    /** Instances of a tenant by name after {@code after}; deleted ones only when asked. */
    public List<InstanceRecord> list(String tenant, String after, int limit, boolean includeDeleted) {
        return h.createQuery("select * from instances i where tenant = :t and name > :after"
                        + " and (:all or " + LIVE + ") order by name, created_at limit :limit")
                .bind("t", tenant).bind("after", after == null ? "" : after).bind("all", includeDeleted).bind("limit", limit)
                .map((rs, c) -> row(rs)).list();
    }

    /** The live instances of a service, by tenant and name. */
    public List<InstanceRecord> liveOfService(String service) {
        return h.createQuery("select * from instances i where spec->>'service' = :s and " + LIVE + " order by tenant, name")
                .bind("s", service).map((rs, c) -> row(rs)).list();
    }

    /** The tenant's instances that are not deleted. */
    /** The uids of the instances on the cell that are not deleted, in uid order. */
    public List<String> liveUidsOn(String cell) {
        return h.createQuery("select uid from instances i where cell = :c and " + LIVE + " order by uid").bind("c", cell).mapTo(String.class).list();
    }

    public List<InstanceRecord> liveOfTenant(String tenant) {
        return h.createQuery("select * from instances i where i.tenant = :t and " + LIVE).bind("t", tenant).map((rs, c) -> row(rs)).list();
    }

    public int countLive(String tenant) {
        return h.createQuery("select count(*) from instances i where tenant = :t and " + LIVE).bind("t", tenant)
                .mapTo(Integer.class).one();
    }

    /**
     * Claims up to {@code limit} instances whose reconcile time has come and whose lease is free or expired,
     * so that several server replicas never reconcile one instance at the same time.
     */



    /** Asks for a reconcile pass now; a pass already running will run again when it ends. */
    public void requestReconcile(String uid) {
        leases().requestReconcile(uid);
    }

    private Leases leases() {
        return new Leases(h, Leases.Table.INSTANCES);
    }

    /** Pins the instance to a release (null: unpins it). */
    public void pin(String uid, String release) {
        h.createUpdate("update instances set pinned_release = :r, updated_at = now() where uid = :uid").bind("uid", uid).bind("r", release).execute();
    }

    /** The release a tenant pinned its instances of a service to, if any. */
    public Optional<String> tenantPin(String tenant, String service) {
        return h.createQuery("select release from tenant_pins where tenant = :t and service = :s").bind("t", tenant).bind("s", service)
                .mapTo(String.class).findOne();
    }

    /** Pins a tenant's instances of a service to a release (null: unpins them). */
    public void pinTenant(String tenant, String service, String release) {
        if (release == null) {
            h.createUpdate("delete from tenant_pins where tenant = :t and service = :s").bind("t", tenant).bind("s", service).execute();
            return;
        }
        h.createUpdate("insert into tenant_pins (tenant, service, release) values (:t, :s, :r)"
                        + " on conflict (tenant, service) do update set release = :r, created_at = now()")
                .bind("t", tenant).bind("s", service).bind("r", release).execute();
    }

    /**
     * After a live instance was moved off {@code from} (whose agent is silent): forgets what that agent observed and
     * asks for a pass; {@code from}'s next desired state after {@code fromRevision} names it as removed.
     */
    public void markDeparted(String uid, String from, long fromRevision) {
        h.createUpdate("update instances set observed = null, agent_revision = 0 where uid = :uid").bind("uid", uid).execute();
        h.createUpdate("update instance_leases set reconcile_at = now(), reconcile_requested = lease_owner is not null where uid = :uid")
                .bind("uid", uid).execute();
        h.createUpdate("insert into cell_departures (cell, instance_uid, revision) values (:c, :uid, :rev)"
                        + " on conflict (cell, instance_uid) do update set revision = excluded.revision")
                .bind("c", from).bind("uid", uid).bind("rev", fromRevision).execute();
    }

    public void saveSpec(InstanceRecord r) {
        h.createUpdate("update instances set spec = cast(:spec as jsonb), generation = :gen, updated_at = now() where uid = :uid")
                .bind("uid", r.uid()).bind("spec", JsonColumns.write(r.spec())).bind("gen", r.generation()).execute();
    }

    public void saveStatus(InstanceRecord r) {
        saveStatus(r, true);
    }

    /** The same, but the stored deployment is left as it is: for a change that did not render a new one (most passes). */
    public void saveStatusKeepingDeployment(InstanceRecord r) {
        saveStatus(r, false);
    }

    private void saveStatus(InstanceRecord r, boolean withDeployment) {
        statusWrite(r, withDeployment).execute(h);
    }

    /** The write of the instance's status, phase, placement and publication, and of its deployment if {@code withDeployment}. */
    public Write statusWrite(InstanceRecord r, boolean withDeployment) {
        Write write = new Write("update instances set phase = :phase, status = cast(:status as jsonb), observed_generation = :og,"
                        + " cell = :cell," + (withDeployment ? " deployment = cast(:dep as jsonb)," : "")
                        + " published = :pub, published_revision = :prev, last_operation = :op, purge_at = :purgeAt, updated_at = now() where uid = :uid")
                .bind("uid", r.uid()).bind("phase", r.phase().name()).bind("status", JsonColumns.write(r.status()))
                .bind("og", r.status().observedGeneration()).bind("cell", r.cell())
                .bind("pub", r.published()).bind("prev", r.publishedRevision()).bind("op", r.lastOperation())
                .bind("purgeAt", r.purgeAt() == null ? null : java.sql.Timestamp.from(r.purgeAt()));
        if (withDeployment) write.bind("dep", JsonColumns.write(r.deployment()));
        return write;
    }

    /**
     * Stores an agent's report of its cell ({@link InstanceReports}): instances whose observation changed, and those
     * it no longer runs; those whose observed state, generation or message moved get a reconcile pass. Returns the
     * instances it asked passes of now, in uid order (not those it asked for a little later, {@link #STARTING_PASS_DELAY}).
     */
    public List<String> saveReport(String cell, long agentRevision, boolean full, List<ObservedInstance> observed, List<String> removed) {
        return new InstanceReports(h).save(cell, agentRevision, full, observed, removed);
    }

    /**
     * The cell's desired state at {@code revision}, its current revision as read before: everything published and
     * every instance being purged ({@code after < 0}, or an {@code after} the cell never reached), or the changes
     * published after revision {@code after}; its instances', then its dedicated database servers' (by the uid of their
     * deployment), in one statement. A reconcile pass bumps the revision and marks its instance in one transaction,
     * holding the cell row until it commits, so every row marked with a revision up to the one read is already visible.
     */
    public CellDesiredState desiredState(String cell, long revision, long after) {
        boolean full = after < 0 || after > revision;
        List<Deployment> deployments = new java.util.ArrayList<>();
        List<String> removed = new java.util.ArrayList<>();
        List<String> purged = new java.util.ArrayList<>();
        h.createQuery("select 1 as part, uid as name, phase, published, deployment from instances where cell = :c and published_revision <= :revision"
                        + " and (:full and (published or phase = 'PURGING') or not :full and published_revision > :after)"
                        + " union all select 2, instance_uid, null, null, null from cell_departures"
                        + " where not :full and cell = :c and revision > :after and revision <= :revision"
                        + " union all select 3, name, case when removing then 'REMOVING' end, true, deployment from database_servers"
                        + " where cell = :c and deployment is not null and published_revision <= :revision and (:full or published_revision > :after)"
                        + " order by part, name")
                .bind("c", cell).bind("revision", revision).bind("full", full).bind("after", after)
                .map((rs, ctx) -> {
                    String phase = rs.getString("phase");
                    Deployment deployment = rs.getBoolean("published") ? JsonColumns.read(rs, "deployment", Deployment.class) : null;
                    if ("REMOVING".equals(phase)) {
                        purged.add(deployment.instanceUid()); // a dedicated server being removed: its data too
                    } else if (deployment != null) {
                        deployments.add(deployment);
                    } else if ("PURGING".equals(phase) || "PURGED".equals(phase)) {
                        purged.add(rs.getString("name"));
                    } else {
                        removed.add(rs.getString("name"));
                    }
                    return phase;
                }).list();
        return new CellDesiredState(cell, revision, full, deployments, removed, purged);
    }

    private static InstanceRecord row(ResultSet rs) throws SQLException {
        return new InstanceRecord(rs.getString("uid"), rs.getString("tenant"), rs.getString("name"), rs.getLong("generation"),
                JsonColumns.read(rs, "spec", InstanceSpec.class), JsonColumns.read(rs, "status", InstanceStatus.class),
                JsonColumns.read(rs, "observed", ObservedInstance.class), rs.getString("cell"),
                JsonColumns.read(rs, "deployment", Deployment.class), rs.getBoolean("published"),
                rs.getLong("published_revision"), rs.getLong("agent_revision"),
                rs.getString("last_operation"), JsonColumns.instant(rs, "purge_at"), rs.getString("pinned_release"), JsonColumns.instant(rs, "created_at"),
                JsonColumns.instant(rs, "updated_at"));
    }
}
