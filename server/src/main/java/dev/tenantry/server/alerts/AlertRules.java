package dev.tenantry.server.alerts;

import dev.tenantry.api.cell.LatencyHistogram;
import dev.tenantry.server.alerts.AlertInputs.CellFacts;
import dev.tenantry.server.alerts.AlertInputs.InstanceFacts;
import dev.tenantry.server.alerts.AlertInputs.Sample;
import dev.tenantry.server.alerts.AlertThresholds.Setting;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The built-in rules as a pure decision: inputs and thresholds in, the conditions that hold now out. */
public final class AlertRules {
    /** Phases in which an instance is meant to serve. */
    private static final Set<String> MEANT_TO_RUN = Set.of("PENDING", "PROVISIONING", "RUNNING", "FAILED");

    private AlertRules() {}

    public static List<Finding> evaluate(AlertInputs in, AlertThresholds thresholds) {
        List<Finding> found = new ArrayList<>();
        for (InstanceFacts i : in.instances()) {
            notReady(i, in.now(), thresholds).ifPresent(found::add);
            crashLooping(i, in.now(), thresholds).ifPresent(found::add);
            errorRate(i, in.now(), thresholds).ifPresent(found::add);
            latency(i, in.now(), thresholds).ifPresent(found::add);
        }
        for (CellFacts c : in.cells()) cellOffline(c, in.now(), thresholds).ifPresent(found::add);
        for (var c : in.certificates()) certificate(c, in.now(), thresholds).ifPresent(found::add);
        for (var b : in.failedBackups()) {
            Setting s = thresholds.of(AlertRule.BACKUP_FAILED, b.tenant(), b.service(), b.plan());
            if (!s.enabled()) continue;
            found.add(new Finding(AlertRule.BACKUP_FAILED, "tenants/" + b.tenant() + "/" + b.instance(), b.tenant(), b.tenant() + "/" + b.instance(),
                    "the latest backup of " + b.tenant() + "/" + b.instance() + " failed: " + b.message(),
                    figures("backup", b.backupId(), "failedAt", b.failedAt().toString(), "threshold", s.threshold())));
        }
        found.addAll(quotas(in, thresholds));
        return found;
    }

    /** Cells silent for longer than {@link AlertRule#REPLACE_OFFLINE_CELL}'s threshold that still hold instances. */
    public static List<String> cellsToEvacuate(AlertInputs in, AlertThresholds thresholds) {
        Setting s = thresholds.of(AlertRule.REPLACE_OFFLINE_CELL);
        if (!s.enabled()) return List.of();
        return in.cells().stream().filter(c -> c.instances() > 0 && silence(c, in.now()).toMillis() >= s.threshold() * 1000)
                .map(CellFacts::id).toList();
    }

    private static java.util.Optional<Finding> notReady(InstanceFacts i, Instant now, AlertThresholds thresholds) {
        if (i.ready() || !MEANT_TO_RUN.contains(i.phase()) || i.readySince() == null) return java.util.Optional.empty();
        Setting s = thresholds.of(AlertRule.INSTANCE_NOT_READY, i.tenant(), i.service(), i.plan());
        long seconds = Duration.between(i.readySince(), now).toSeconds();
        if (!s.enabled() || seconds < s.threshold()) return java.util.Optional.empty();
        return java.util.Optional.of(new Finding(AlertRule.INSTANCE_NOT_READY, i.subject(), i.tenant(), i.target(),
                i.target() + " has not been ready for " + seconds + " s (phase " + i.phase() + ")",
                figures("notReadySince", i.readySince().toString(), "phase", i.phase(), "threshold", s.threshold())));
    }

    private static java.util.Optional<Finding> crashLooping(InstanceFacts i, Instant now, AlertThresholds thresholds) {
        if (i.now() == null) return java.util.Optional.empty();
        Setting s = thresholds.of(AlertRule.CRASH_LOOPING, i.tenant(), i.service(), i.plan());
        Sample base = baseline(i, now.minus(AlertRule.Windows.CRASH));
        // without a sample the count may be weeks old; a replica's count going down means it was replaced since
        if (base == null) return java.util.Optional.empty();
        int restarts = base.restarts() > i.now().restarts() ? i.now().restarts() : i.now().restarts() - base.restarts();
        if (!s.enabled() || restarts < s.threshold()) return java.util.Optional.empty();
        return java.util.Optional.of(new Finding(AlertRule.CRASH_LOOPING, i.subject(), i.tenant(), i.target(),
                i.target() + "'s replicas restarted " + restarts + " time(s) in " + AlertRule.Windows.CRASH.toMinutes() + " minutes",
                figures("restarts", restarts, "threshold", s.threshold())));
    }

    private static java.util.Optional<Finding> errorRate(InstanceFacts i, Instant now, AlertThresholds thresholds) {
        Window w = window(i, now);
        if (w == null || w.requests() < AlertRule.Windows.MIN_REQUESTS) return java.util.Optional.empty();
        Setting s = thresholds.of(AlertRule.ERROR_RATE, i.tenant(), i.service(), i.plan());
        double percent = 100.0 * w.errors() / w.requests();
        if (!s.enabled() || percent <= s.threshold()) return java.util.Optional.empty();
        return java.util.Optional.of(new Finding(AlertRule.ERROR_RATE, i.subject(), i.tenant(), i.target(),
                String.format(java.util.Locale.ROOT, "%.1f %% of %s's %d requests in %d minutes were answered with a 5xx", percent, i.target(),
                        w.requests(), AlertRule.Windows.TRAFFIC.toMinutes()),
                figures("errorPercent", round(percent), "requests", w.requests(), "errors", w.errors(), "threshold", s.threshold())));
    }

    private static java.util.Optional<Finding> latency(InstanceFacts i, Instant now, AlertThresholds thresholds) {
        Window w = window(i, now);
        if (w == null || w.requests() < AlertRule.Windows.MIN_REQUESTS) return java.util.Optional.empty();
        Setting s = thresholds.of(AlertRule.LATENCY_P99, i.tenant(), i.service(), i.plan());
        Double p99 = LatencyHistogram.quantileMillis(List.of(w.buckets()), 0.99);
        if (!s.enabled() || p99 == null || p99 <= s.threshold()) return java.util.Optional.empty();
        return java.util.Optional.of(new Finding(AlertRule.LATENCY_P99, i.subject(), i.tenant(), i.target(),
                String.format(java.util.Locale.ROOT, "the p99 latency of %s's requests was %.0f ms over %d minutes", i.target(), p99,
                        AlertRule.Windows.TRAFFIC.toMinutes()),
                figures("p99Ms", round(p99), "requests", w.requests(), "threshold", s.threshold())));
    }

    private static java.util.Optional<Finding> cellOffline(CellFacts c, Instant now, AlertThresholds thresholds) {
        Setting s = thresholds.of(AlertRule.CELL_OFFLINE);
        long silent = silence(c, now).toSeconds();
        if (!s.enabled() || silent < s.threshold()) return java.util.Optional.empty();
        return java.util.Optional.of(new Finding(AlertRule.CELL_OFFLINE, "cells/" + c.id(), null, "cell " + c.id(),
                "cell " + c.id() + " has not reported for " + silent + " s" + (c.lastSeen() == null ? " (never reported)" : ""),
                figures("lastSeen", c.lastSeen() == null ? "never" : c.lastSeen().toString(), "instances", c.instances(), "threshold", s.threshold())));
    }

    private static java.util.Optional<Finding> certificate(AlertInputs.CertificateFacts c, Instant now, AlertThresholds thresholds) {
        Setting s = thresholds.of(AlertRule.CERTIFICATE_EXPIRY, c.tenant(), c.service(), c.plan());
        Duration left = Duration.between(now, c.notAfter());
        boolean due = c.customDomain() ? left.toMillis() < s.threshold() * 86_400_000
                : left.compareTo(Duration.between(c.notBefore(), c.notAfter()).dividedBy(6)) < 0;
        if (!s.enabled() || !due) return java.util.Optional.empty();
        String what = left.isNegative() ? "expired at " + c.notAfter() : "expires at " + c.notAfter();
        return java.util.Optional.of(new Finding(AlertRule.CERTIFICATE_EXPIRY, "certificates/" + c.host(), c.tenant(), c.host(),
                (c.customDomain() ? "the uploaded certificate of custom domain " : "the cell's certificate for ") + c.host() + " " + what
                        + (c.customDomain() ? "" : " and was not renewed"),
                figures("host", c.host(), "instance", c.tenant() + "/" + c.instance(), "notAfter", c.notAfter().toString(),
                        "hoursLeft", round(left.toMinutes() / 60.0), "customDomain", c.customDomain(), "threshold", s.threshold())));
    }

    private static List<Finding> quotas(AlertInputs in, AlertThresholds thresholds) {
        Map<String, Finding> worst = new LinkedHashMap<>();
        for (var q : in.quotas()) {
            if (q.limit() <= 0) continue;
            Setting s = thresholds.of(AlertRule.QUOTA_NEARLY_USED, q.tenant(), q.service(), q.plan());
            double percent = 100.0 * q.used() / q.limit();
            if (!s.enabled() || percent < s.threshold()) continue;
            String subject = "tenants/" + q.tenant() + "/quota" + (q.plan() == null ? "" : "/" + q.service() + "/" + q.plan());
            Finding f = new Finding(AlertRule.QUOTA_NEARLY_USED, subject, q.tenant(), q.tenant(),
                    String.format(java.util.Locale.ROOT, "tenant %s uses %d of %d %s (%.0f %%) of %s", q.tenant(), q.used(), q.limit(), q.field(),
                            percent, q.plan() == null ? "its quota" : "plan " + q.service() + "/" + q.plan() + "'s quota"),
                    figures("field", q.field(), "used", q.used(), "limit", q.limit(), "percent", round(percent), "threshold", s.threshold()));
            Finding before = worst.get(subject);
            if (before == null || ((Number) before.figures().get("percent")).doubleValue() < percent) worst.put(subject, f);
        }
        return List.copyOf(worst.values());
    }

    /** The requests of the traffic window: now's counters less a baseline of at least the window's age. */
    record Window(long requests, long errors, List<Long> buckets) {}

    static Window window(InstanceFacts i, Instant now) {
        Sample current = i.now();
        if (current == null) return null;
        Instant start = now.minus(AlertRule.Windows.TRAFFIC);
        Sample base = baseline(i, start);
        Window all = new Window(current.requests(), current.errors(), current.latencyBuckets());
        // no sample yet: all of it is in the window only when counting began inside it (a new release, a new instance)
        if (base == null) return current.countingSince() != null && !current.countingSince().isBefore(start) ? all : null;
        // the counters were reset after the baseline (a new release): everything they hold is recent
        if (!base.sameSeries(current)) return all;
        List<Long> buckets = new ArrayList<>();
        for (int b = 0; b < current.latencyBuckets().size(); b++) {
            long before = b < base.latencyBuckets().size() ? base.latencyBuckets().get(b) : 0;
            buckets.add(Math.max(0, current.latencyBuckets().get(b) - before));
        }
        return new Window(Math.max(0, current.requests() - base.requests()), Math.max(0, current.errors() - base.errors()), buckets);
    }

    /** The latest sample taken at or before {@code start}; else the earliest (a partial window); null when there is none. */
    static Sample baseline(InstanceFacts i, Instant start) {
        Sample best = null;
        for (Sample s : i.earlier()) if (!s.at().isAfter(start) && (best == null || s.at().isAfter(best.at()))) best = s;
        if (best != null) return best;
        return i.earlier().stream().min(java.util.Comparator.comparing(Sample::at)).orElse(null);
    }

    private static Duration silence(CellFacts c, Instant now) {
        return Duration.between(c.lastSeen() != null ? c.lastSeen() : c.createdAt(), now);
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    private static Map<String, Object> figures(Object... pairs) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int k = 0; k < pairs.length; k += 2) m.put((String) pairs[k], pairs[k + 1]);
        return m;
    }
}
