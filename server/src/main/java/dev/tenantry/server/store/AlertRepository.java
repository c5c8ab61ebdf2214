package dev.tenantry.server.store;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.tenantry.api.cell.TrafficStats;
import dev.tenantry.api.model.Alert;
import dev.tenantry.api.model.AlertOverride;
import dev.tenantry.api.model.Condition;
import dev.tenantry.server.alerts.AlertInputs;
import dev.tenantry.server.alerts.AlertInputs.Sample;
import dev.tenantry.server.alerts.Finding;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** Alerts, the rules' overrides, and the instance samples their windows are measured with. */
public final class AlertRepository {
    private static final int EVALUATION_LOCK = 7303;
    private static final String WATCHED = "i.phase in ('PENDING', 'PROVISIONING', 'RUNNING', 'FAILED')";
    private final Handle h;

    AlertRepository(Handle h) {
        this.h = h;
    }

    /** Serialises evaluations (the timer's, and any other caller's) until the transaction ends: one settles, the next sees it. */
    public void lockEvaluation() {
        h.createQuery("select pg_advisory_xact_lock(" + EVALUATION_LOCK + ", 0)").mapTo(String.class).one();
    }

    // --- alerts

    public Map<String, Alert> firing() {
        Map<String, Alert> byKey = new HashMap<>();
        h.createQuery("select * from alerts where state = 'firing'").map((rs, c) -> row(rs)).forEach(a -> byKey.put(a.rule() + "|" + a.subject(), a));
        return byKey;
    }

    public void fire(String id, Finding f, Instant now) {
        h.createUpdate("insert into alerts (id, rule, subject, tenant, target, state, message, figures, since)"
                        + " values (:id, :rule, :subject, :tenant, :target, 'firing', :message, cast(:figures as jsonb), :now)")
                .bind("id", id).bind("rule", f.rule().id()).bind("subject", f.subject()).bind("tenant", f.tenant()).bind("target", f.target())
                .bind("message", f.message()).bind("figures", JsonColumns.write(f.figures())).bind("now", now).execute();
    }

    /** Keeps a firing alert's message and figures current (no event: it still fires). */
    public void refresh(String id, Finding f) {
        h.createUpdate("update alerts set message = :message, figures = cast(:figures as jsonb) where id = :id")
                .bind("id", id).bind("message", f.message()).bind("figures", JsonColumns.write(f.figures())).execute();
    }

    public void resolve(String id, Instant now) {
        h.createUpdate("update alerts set state = 'resolved', resolved_at = :now where id = :id and state = 'firing'")
                .bind("id", id).bind("now", now).execute();
    }

    public Optional<Alert> get(String id) {
        return h.createQuery("select * from alerts where id = :id").bind("id", id).map((rs, c) -> row(rs)).findOne();
    }

    /** Newest first, after the cursor {@code afterId} (null: from the newest); filters are optional. */
    public List<Alert> list(String tenant, String state, String rule, String afterId, int limit) {
        return h.createQuery("select * from alerts where (:tenant::text is null or tenant = :tenant) and (:state::text is null or state = :state)"
                        + " and (:rule::text is null or rule = :rule) and (:after::text is null or (since, id) < (select since, id from alerts where id = :after))"
                        + " order by since desc, id desc limit :limit")
                .bind("tenant", tenant).bind("state", state).bind("rule", rule).bind("after", afterId).bind("limit", limit)
                .map((rs, c) -> row(rs)).list();
    }

    private static Alert row(ResultSet rs) throws SQLException {
        return new Alert(rs.getString("id"), rs.getString("rule"), Alert.State.valueOf(rs.getString("state")), rs.getString("tenant"),
                rs.getString("subject"), rs.getString("target"), rs.getString("message"),
                JsonColumns.read(rs, "figures", new TypeReference<Map<String, Object>>() {}), JsonColumns.instant(rs, "since"),
                JsonColumns.instant(rs, "resolved_at"));
    }

    // --- overrides

    public List<AlertOverride> overrides() {
        return h.createQuery("select * from alert_overrides order by rule, scope")
                .map((rs, c) -> new AlertOverride(rs.getString("rule"), rs.getString("tenant"), rs.getString("service"), rs.getString("plan"),
                        (Boolean) rs.getObject("enabled"), (Double) rs.getObject("threshold")))
                .list();
    }

    public void putOverride(AlertOverride o) {
        h.createUpdate("insert into alert_overrides (scope, rule, tenant, service, plan, enabled, threshold)"
                        + " values (:scope, :rule, :tenant, :service, :plan, :enabled, :threshold)"
                        + " on conflict (scope, rule) do update set enabled = excluded.enabled, threshold = excluded.threshold")
                .bind("scope", o.scope()).bind("rule", o.rule()).bind("tenant", o.tenant()).bind("service", o.service()).bind("plan", o.plan())
                .bind("enabled", o.enabled()).bind("threshold", o.threshold()).execute();
    }

    public boolean deleteOverride(String scope, String rule) {
        return h.createUpdate("delete from alert_overrides where scope = :scope and rule = :rule").bind("scope", scope).bind("rule", rule).execute() > 0;
    }

    // --- what the rules look at

    /** The instances meant to serve, with their latest counters and the samples of the last {@code lookBack}. */
    public List<AlertInputs.InstanceFacts> watchedInstances(Instant now, Duration lookBack) {
        Map<String, List<Sample>> samples = new HashMap<>();
        h.createQuery("select s.* from instance_samples s join instances i on i.uid = s.instance_uid where " + WATCHED + " and s.at >= :from")
                .bind("from", now.minus(lookBack))
                .map((rs, c) -> Map.entry(rs.getString("instance_uid"), sample(rs)))
                .forEach(e -> samples.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue()));
        // only the few fields the rules read, taken out by PostgreSQL: every instance is looked at every 10 s, and parsing
        // each one's whole status and observation was most of the server's work at 100,000 instances
        return h.createQuery("select i.uid, i.tenant, i.name, i.spec->>'service' as service, i.spec->>'plan' as plan, i.phase,"
                        + " r.ready->>'status' as ready_status, r.ready->>'since' as ready_since, i.observed is not null as observed,"
                        + " (select coalesce(sum(cast(x->>'restarts' as integer)), 0) from jsonb_array_elements(i.observed->'replicas') x) as restarts,"
                        + " i.observed->'traffic' as traffic"
                        + " from instances i, lateral (select jsonb_path_query_first(i.status, '$.conditions[*] ? (@.type == \"Ready\")') as ready) r"
                        + " where " + WATCHED)
                .map((rs, c) -> {
                    String uid = rs.getString("uid");
                    String readySince = rs.getString("ready_since");
                    Sample current = rs.getBoolean("observed") ? current(JsonColumns.read(rs, "traffic", TrafficStats.class), rs.getInt("restarts"), now) : null;
                    return new AlertInputs.InstanceFacts(uid, rs.getString("tenant"), rs.getString("name"), rs.getString("service"),
                            rs.getString("plan"), rs.getString("phase"), Condition.Status.True.name().equals(rs.getString("ready_status")),
                            readySince == null ? null : Instant.parse(readySince), current, samples.getOrDefault(uid, List.of()));
                })
                .list();
    }

    private static Sample current(TrafficStats t, int restarts, Instant now) {
        return t == null ? new Sample(now, null, null, 0, 0, List.of(), restarts)
                : new Sample(now, t.release(), t.since(), t.requests(), t.errors(), t.latencyBuckets(), restarts);
    }

    private static Sample sample(ResultSet rs) throws SQLException {
        return new Sample(JsonColumns.instant(rs, "at"), rs.getString("release"), JsonColumns.instant(rs, "counting_since"), rs.getLong("requests"),
                rs.getLong("errors"), JsonColumns.read(rs, "latency_buckets", new TypeReference<List<Long>>() {}), rs.getInt("restarts"));
    }

    /**
     * Records the instances' counters as samples, for those whose latest sample is at least {@code every} old, except
     * where it holds the same counters and is younger than half of {@code keep} (an idle instance: the rules' baseline
     * is the latest sample at or before their window's start, which that one still is); forgets samples older than
     * {@code keep}.
     */
    public void sample(List<AlertInputs.InstanceFacts> instances, Instant now, Duration every, Duration keep) {
        org.jdbi.v3.core.statement.PreparedBatch batch = h.prepareBatch("insert into instance_samples (instance_uid, at, release, counting_since,"
                + " requests, errors, latency_buckets, restarts) values (:uid, :at, :release, :since, :requests, :errors, cast(:buckets as jsonb),"
                + " :restarts) on conflict do nothing");
        for (AlertInputs.InstanceFacts i : instances) {
            Sample s = i.now();
            if (s == null || i.earlier().stream().anyMatch(e -> e.at().isAfter(now.minus(every)))) continue;
            Sample latest = i.earlier().stream().max(java.util.Comparator.comparing(Sample::at)).orElse(null);
            if (latest != null && sameCounters(latest, s) && latest.at().isAfter(now.minus(keep.dividedBy(2)))) continue;
            batch.bind("uid", i.uid()).bind("at", now).bind("release", s.release()).bind("since", s.countingSince()).bind("requests", s.requests())
                    .bind("errors", s.errors()).bind("buckets", JsonColumns.write(s.latencyBuckets())).bind("restarts", s.restarts()).add();
        }
        if (batch.size() > 0) batch.execute();
        h.createUpdate("delete from instance_samples where at < :before").bind("before", now.minus(keep)).execute();
    }

    private static boolean sameCounters(Sample a, Sample b) {
        return java.util.Objects.equals(a.release(), b.release()) && java.util.Objects.equals(a.countingSince(), b.countingSince())
                && a.requests() == b.requests() && a.errors() == b.errors() && a.restarts() == b.restarts()
                && java.util.Objects.equals(a.latencyBuckets(), b.latencyBuckets());
    }

    public List<AlertInputs.CertificateFacts> certificatesInUse() {
        List<AlertInputs.CertificateFacts> all = new ArrayList<>(h.createQuery(
                        "select d.domain, d.created_at, d.not_after, i.tenant, i.name, i.spec->>'service' as service, i.spec->>'plan' as plan"
                                + " from custom_domains d join instances i on i.uid = d.instance_uid where i.phase not in ('DELETED', 'PURGING', 'PURGED')")
                .map((rs, c) -> new AlertInputs.CertificateFacts(rs.getString("domain"), true, rs.getString("tenant"), rs.getString("service"),
                        rs.getString("plan"), rs.getString("name"), JsonColumns.instant(rs, "created_at"), JsonColumns.instant(rs, "not_after")))
                .list());
        all.addAll(h.createQuery("select distinct on (c.host) c.host, c.not_before, c.not_after, i.tenant, i.name, i.spec->>'service' as service,"
                        + " i.spec->>'plan' as plan from certificates c join instances i on i.uid = c.instance_uid where i.phase = 'RUNNING'"
                        + " order by c.host, c.not_after desc")
                .map((rs, c) -> new AlertInputs.CertificateFacts(rs.getString("host"), false, rs.getString("tenant"), rs.getString("service"),
                        rs.getString("plan"), rs.getString("name"), JsonColumns.instant(rs, "not_before"), JsonColumns.instant(rs, "not_after")))
                .list());
        return all;
    }

    /** Live instances whose latest backup failed. */
    public List<AlertInputs.BackupFacts> failedLatestBackups() {
        return h.createQuery("select * from (select distinct on (b.instance_uid) b.id, b.state, b.message, b.finished_at, b.created_at, i.tenant, i.name,"
                        + " i.spec->>'service' as service, i.spec->>'plan' as plan from database_backups b join instances i on i.uid = b.instance_uid"
                        + " where i.phase not in ('DELETED', 'PURGING', 'PURGED') order by b.instance_uid, b.created_at desc) latest where state = 'failed'")
                .map((rs, c) -> new AlertInputs.BackupFacts(rs.getString("tenant"), rs.getString("name"), rs.getString("service"), rs.getString("plan"),
                        rs.getString("id"), Optional.ofNullable(JsonColumns.instant(rs, "finished_at")).orElse(JsonColumns.instant(rs, "created_at")),
                        rs.getString("message")))
                .list();
    }

    /** The tenants with a quota of their own. */
    public Map<String, dev.tenantry.api.model.Quota> tenantQuotas() {
        Map<String, dev.tenantry.api.model.Quota> quotas = new java.util.TreeMap<>();
        h.createQuery("select id, quota from tenants where quota is not null and quota <> 'null'::jsonb")
                .map((rs, c) -> Map.entry(rs.getString("id"), JsonColumns.read(rs, "quota", dev.tenantry.api.model.Quota.class)))
                .forEach(e -> { if (e.getValue() != null) quotas.put(e.getKey(), e.getValue()); });
        return quotas;
    }

    /** Each tenant's live instances by service and plan: where plans' quotas may apply. */
    public List<String[]> livePlansOfTenants() {
        return h.createQuery("select distinct tenant, spec->>'service' as service, spec->>'plan' as plan from instances"
                        + " where phase not in ('DELETED', 'PURGING', 'PURGED')")
                .map((rs, c) -> new String[] {rs.getString("tenant"), rs.getString("service"), rs.getString("plan")}).list();
    }
}
