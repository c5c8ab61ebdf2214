package dev.tenantry.server.store;

import dev.tenantry.api.model.GateResult;
import dev.tenantry.api.model.Protection;
import dev.tenantry.api.model.Rollout;
import dev.tenantry.api.model.RolloutSelector;
import dev.tenantry.api.model.RolloutStrategy;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** Rollouts and the instances each selected. */
public final class RolloutRepository {
    /** The states in which a rollout still holds its instances (another rollout may not select them). */
    private static final String ACTIVE = "('AWAITING_APPROVAL', 'RUNNING', 'PAUSED', 'ROLLING_BACK', 'ABORTING', 'REVERTING')";
    private final Handle h;

    RolloutRepository(Handle h) {
        this.h = h;
    }

    /** Inserts the rollout and its instances, due for a first pass now; {@code creatorToken} may not approve it. */
    public void insert(Rollout r, String creatorToken) {
        h.createUpdate("insert into rollouts (id, service, release, selector, strategy, emergency, state, current_wave, wave_count, reason,"
                        + " created_by, created_by_token, approval_reason, reconcile_at) values (:id, :service, :release, cast(:selector as jsonb),"
                        + " cast(:strategy as jsonb), :emergency, :state, :wave, :waves, :reason, :by, :token, :approval, now())")
                .bind("id", r.id()).bind("service", r.service()).bind("release", r.release())
                .bind("selector", JsonColumns.write(r.selector())).bind("strategy", JsonColumns.write(r.strategy())).bind("emergency", r.emergency())
                .bind("state", r.state().name()).bind("wave", r.currentWave()).bind("waves", r.waveCount()).bind("reason", r.reason())
                .bind("by", r.createdBy()).bind("token", creatorToken).bind("approval", r.approvalReason()).execute();
        var batch = h.prepareBatch("insert into rollout_instances (rollout_id, instance_uid, tenant, name, wave, seq, from_release, to_release,"
                + " state, ended_at, reason) values (:r, :uid, :tenant, :name, :wave, :seq, :from, :to, :state, :ended, :reason)");
        int seq = 0;
        for (Rollout.Item item : r.instances()) {
            batch.bind("r", r.id()).bind("uid", item.uid()).bind("tenant", item.tenant()).bind("name", item.name())
                    .bind("wave", item.wave()).bind("seq", seq++).bind("from", item.fromRelease()).bind("to", item.toRelease())
                    .bind("state", item.state().name()).bind("ended", item.endedAt() == null ? null : Timestamp.from(item.endedAt()))
                    .bind("reason", item.reason()).add();
        }
        batch.execute();
    }

    public Optional<Rollout> get(String id) {
        return h.createQuery("select * from rollouts where id = :id").bind("id", id).map((rs, c) -> row(rs)).findOne()
                .map(this::withItems);
    }

    public Optional<Rollout> lock(String id) {
        return h.createQuery("select * from rollouts where id = :id for update").bind("id", id).map((rs, c) -> row(rs)).findOne()
                .map(this::withItems);
    }

    /** Rollouts, newest first, created before the rollout {@code before} (null: from the newest). */
    public List<Rollout> list(String before, int limit) {
        return h.createQuery("select r.*, (select count(*) from rollout_instances ri where ri.rollout_id = r.id) as instance_count"
                        + " from rollouts r where (cast(:before as text) is null"
                        + " or created_at < (select created_at from rollouts where id = :before)) order by created_at desc limit :limit")
                .bind("before", before).bind("limit", limit).map((rs, c) -> row(rs, rs.getInt("instance_count"))).list();
    }

    /** The uids among {@code uids} that an unfinished rollout holds. */
    public List<String> heldInstances(List<String> uids) {
        return h.createQuery("select ri.instance_uid from rollout_instances ri join rollouts r on r.id = ri.rollout_id"
                        + " where r.state in " + ACTIVE + " and ri.instance_uid = any(cast(:uids as text[]))")
                .bind("uids", uids.toArray(String[]::new)).mapTo(String.class).list();
    }

    /** Asks every running rollout that holds instances of the tenant for a pass now (its maintenance window changed). */
    public void requestReconcileOfTenant(String tenant) {
        h.createUpdate("update rollouts set reconcile_at = least(reconcile_at, now()), reconcile_requested = lease_owner is not null"
                        + " where state = 'RUNNING' and id in (select rollout_id from rollout_instances where tenant = :t)")
                .bind("t", tenant).execute();
    }

    public Optional<String> creatorToken(String id) {
        return h.createQuery("select created_by_token from rollouts where id = :id").bind("id", id).mapTo(String.class).findOne();
    }

    public void approved(String id, String approver) {
        h.createUpdate("update rollouts set approved_by = :a where id = :id").bind("id", id).bind("a", approver).execute();
    }

    /** The protection policy (none until an admin sets one). */
    public Protection protection() {
        return h.createQuery("select value from settings where key = 'protection'").map((rs, c) -> JsonColumns.read(rs, "value", Protection.class))
                .findOne().orElse(Protection.NONE);
    }

    public void setProtection(Protection protection) {
        h.createUpdate("insert into settings (key, value) values ('protection', cast(:v as jsonb))"
                + " on conflict (key) do update set value = cast(:v as jsonb), updated_at = now()").bind("v", JsonColumns.write(protection)).execute();
    }

    /** Saves the rollout's state, wave, bake deadline and reason. */
    public void save(Rollout r) {
        h.createUpdate("update rollouts set state = :state, current_wave = :wave, bake_until = :bake, reason = :reason, updated_at = now()"
                        + " where id = :id")
                .bind("id", r.id()).bind("state", r.state().name()).bind("wave", r.currentWave())
                .bind("bake", r.bakeUntil() == null ? null : Timestamp.from(r.bakeUntil())).bind("reason", r.reason()).execute();
    }

    public void saveItem(String rolloutId, Rollout.Item item) {
        h.createUpdate("update rollout_instances set state = :state, operation = :op, started_at = :started, ended_at = :ended,"
                        + " reason = :reason where rollout_id = :r and instance_uid = :uid")
                .bind("r", rolloutId).bind("uid", item.uid()).bind("state", item.state().name()).bind("op", item.operation())
                .bind("started", item.startedAt() == null ? null : Timestamp.from(item.startedAt()))
                .bind("ended", item.endedAt() == null ? null : Timestamp.from(item.endedAt())).bind("reason", item.reason()).execute();
    }




    public void requestReconcile(String id) {
        leases().requestReconcile(id);
    }

    private Leases leases() {
        return new Leases(h, Leases.Table.ROLLOUTS);
    }

    private Rollout withItems(Rollout r) {
        List<Rollout.Item> items = h.createQuery("select * from rollout_instances where rollout_id = :r order by wave, seq")
                .bind("r", r.id()).map((rs, c) -> item(rs)).list();
        List<GateResult> gates = h.createQuery("select * from rollout_gates where rollout_id = :r order by seq")
                .bind("r", r.id()).map((rs, c) -> gate(rs)).list();
        return r.withInstances(items).withGates(gates);
    }

    /** Appends the result of an analysis gate to the rollout's. */
    public void addGate(String rolloutId, GateResult g) {
        h.createUpdate("insert into rollout_gates (rollout_id, seq, wave, verdict, reason, upgraded, baseline, at) values (:r,"
                        + " (select coalesce(max(seq), -1) + 1 from rollout_gates where rollout_id = :r), :wave, :verdict, :reason,"
                        + " cast(:upgraded as jsonb), cast(:baseline as jsonb), :at)")
                .bind("r", rolloutId).bind("wave", g.wave()).bind("verdict", g.verdict().name()).bind("reason", g.reason())
                .bind("upgraded", g.upgraded() == null ? null : JsonColumns.write(g.upgraded()))
                .bind("baseline", g.baseline() == null ? null : JsonColumns.write(g.baseline())).bind("at", Timestamp.from(g.at())).execute();
    }

    private static GateResult gate(ResultSet rs) throws SQLException {
        return new GateResult(rs.getInt("wave"), GateResult.Verdict.valueOf(rs.getString("verdict")), rs.getString("reason"),
                JsonColumns.read(rs, "upgraded", GateResult.Figures.class), JsonColumns.read(rs, "baseline", GateResult.Figures.class),
                JsonColumns.instant(rs, "at"));
    }

    private static Rollout row(ResultSet rs) throws SQLException {
        return row(rs, 0);
    }

    /** A rollout without its instances; {@code instanceCount}: how many it moves (0: counted from the instances added later). */
    private static Rollout row(ResultSet rs, int instanceCount) throws SQLException {
        return new Rollout(rs.getString("id"), rs.getString("service"), rs.getString("release"),
                JsonColumns.read(rs, "selector", RolloutSelector.class), JsonColumns.read(rs, "strategy", RolloutStrategy.class),
                rs.getBoolean("emergency"), Rollout.State.valueOf(rs.getString("state")), rs.getInt("current_wave"), rs.getInt("wave_count"), JsonColumns.instant(rs, "bake_until"),
                rs.getString("reason"),
                List.of(), rs.getString("created_by"), rs.getString("approval_reason"), rs.getString("approved_by"),
                JsonColumns.instant(rs, "created_at"), JsonColumns.instant(rs, "updated_at"), null,
                instanceCount);
    }

    private static Rollout.Item item(ResultSet rs) throws SQLException {
        return new Rollout.Item(rs.getString("tenant"), rs.getString("name"), rs.getString("instance_uid"), rs.getInt("wave"),
                rs.getString("from_release"), rs.getString("to_release"), Rollout.ItemState.valueOf(rs.getString("state")),
                rs.getString("operation"), JsonColumns.instant(rs, "started_at"), JsonColumns.instant(rs, "ended_at"), rs.getString("reason"));
    }
}
