package dev.tenantry.server.reconcile;

import dev.tenantry.api.cell.LatencyHistogram;
import dev.tenantry.api.cell.TrafficStats;
import dev.tenantry.api.model.Analysis;
import dev.tenantry.api.model.GateResult;
import dev.tenantry.api.model.GateResult.Figures;
import dev.tenantry.api.model.GateResult.Verdict;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The analysis gate of a wave: the request figures of its upgraded instances (counted by the gateways since they flipped
 * to the new release) against the thresholds, and against the instances not upgraded yet. Too few requests is
 * inconclusive, never a pass.
 */
final class AnalysisGate {
    private AnalysisGate() {}

    /**
     * {@code upgraded} and {@code baseline}: one entry per instance, its gateway figures for the release it should run
     * (null when the gateway counted none for that release).
     */
    static GateResult evaluate(Analysis a, int wave, List<TrafficStats> upgraded, List<TrafficStats> baseline, Instant now) {
        Figures up = figures(upgraded);
        Figures base = figures(baseline);
        Figures shownBase = base.requests() == 0 ? null : base;
        int min = a.minRequestsOrDefault();
        if (up.requests() < min) {
            return new GateResult(wave, Verdict.INCONCLUSIVE, String.format(Locale.ROOT,
                    "only %d request(s) reached the %d upgraded instance(s) since they flipped; the analysis needs at least %d",
                    up.requests(), up.instances(), min), up, shownBase, now);
        }
        boolean comparable = base.requests() >= min;
        List<String> failures = new ArrayList<>();
        if (up.errorPercent() > a.maxErrorPercentOrDefault()) {
            failures.add(String.format(Locale.ROOT, "error rate %.1f %% (%d of %d requests) is above the %.1f %% allowed",
                    up.errorPercent(), up.errors(), up.requests(), a.maxErrorPercentOrDefault()));
        }
        if (comparable && up.errorPercent() > base.errorPercent() + a.maxErrorPercentOverBaselineOrDefault()) {
            failures.add(String.format(Locale.ROOT, "error rate %.1f %% is more than %.1f point(s) above the %.1f %% of the instances not upgraded yet",
                    up.errorPercent(), a.maxErrorPercentOverBaselineOrDefault(), base.errorPercent()));
        }
        if (a.maxP99Millis() != null && up.p99Millis() > a.maxP99Millis()) {
            failures.add(String.format(Locale.ROOT, "p99 latency %.1f ms is above the %d ms allowed", up.p99Millis(), a.maxP99Millis()));
        }
        if (a.maxP99IncreasePercent() != null && comparable && up.p99Millis() > base.p99Millis() * (1 + a.maxP99IncreasePercent() / 100.0)
                && up.p99Millis() - base.p99Millis() > Analysis.P99_NOISE_MILLIS) {
            failures.add(String.format(Locale.ROOT, "p99 latency %.1f ms is more than %d %% above the %.1f ms of the instances not upgraded yet",
                    up.p99Millis(), a.maxP99IncreasePercent(), base.p99Millis()));
        }
        if (!failures.isEmpty()) return new GateResult(wave, Verdict.FAILED, String.join("; ", failures), up, shownBase, now);
        String summary = describe(up) + (comparable ? "; not upgraded yet: " + describe(base) : "; no instance not upgraded yet had enough requests to compare with");
        return new GateResult(wave, Verdict.PASSED, summary, up, shownBase, now);
    }

    private static String describe(Figures f) {
        return String.format(Locale.ROOT, "error rate %.1f %% of %d requests, p99 %.1f ms", f.errorPercent(), f.requests(), f.p99Millis());
    }

    private static Figures figures(List<TrafficStats> stats) {
        long requests = 0;
        long errors = 0;
        List<List<Long>> histograms = new ArrayList<>();
        for (TrafficStats s : stats.stream().filter(Objects::nonNull).toList()) {
            requests += s.requests();
            errors += s.errors();
            histograms.add(s.latencyBuckets());
        }
        Double errorPercent = requests == 0 ? null : errors * 100.0 / requests;
        return new Figures(stats.size(), requests, errors, errorPercent, LatencyHistogram.quantileMillis(histograms, 0.99));
    }
}
