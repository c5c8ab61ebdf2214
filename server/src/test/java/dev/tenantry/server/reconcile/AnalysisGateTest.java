package dev.tenantry.server.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.api.cell.LatencyHistogram;
import dev.tenantry.api.cell.TrafficStats;
import dev.tenantry.api.model.Analysis;
import dev.tenantry.api.model.GateResult;
import dev.tenantry.api.model.GateResult.Verdict;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnalysisGateTest {
    private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
    private static final Analysis DEFAULTS = new Analysis(null, null, null, null, null);

    /** Figures of one instance: {@code requests}, {@code errors} of them 5xx, all answered in {@code millis}. */
    private static TrafficStats stats(String release, long requests, long errors, double millis) {
        LatencyHistogram h = new LatencyHistogram();
        for (int i = 0; i < requests; i++) h.record((long) (millis * 1_000_000));
        return new TrafficStats(release, NOW.minusSeconds(60), requests, errors, h.snapshot());
    }

    private static GateResult gate(Analysis a, List<TrafficStats> upgraded, TrafficStats... baseline) {
        return AnalysisGate.evaluate(a, 1, upgraded, Arrays.asList(baseline), NOW);
    }

    @Test
    void tooFewRequestsIsInconclusiveNeverAPass() {
        GateResult none = gate(DEFAULTS, Arrays.asList(null, null), stats("1", 500, 0, 3));
        assertThat(none.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(none.reason()).contains("only 0 request(s) reached the 2 upgraded instance(s)", "at least 50");
        assertThat(gate(DEFAULTS, List.of(stats("2", 49, 0, 3))).verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(gate(new Analysis(10, null, null, null, null), List.of(stats("2", 49, 0, 3))).verdict()).isEqualTo(Verdict.PASSED);
    }

    @Test
    void aFifthOfRequestsFailingFailsTheGate() {
        GateResult g = gate(DEFAULTS, List.of(stats("2", 300, 60, 3), stats("2", 200, 40, 3)), stats("1", 1000, 0, 3));
        assertThat(g.verdict()).isEqualTo(Verdict.FAILED);
        assertThat(g.reason()).contains("error rate 20.0 % (100 of 500 requests) is above the 1.0 % allowed",
                "more than 1.0 point(s) above the 0.0 % of the instances not upgraded yet");
        assertThat(g.upgraded().requests()).isEqualTo(500);
        assertThat(g.baseline().errorPercent()).isZero();
    }

    @Test
    void theErrorRateIsComparedWithTheInstancesNotUpgradedYet() {
        Analysis lenient = new Analysis(null, 10.0, 1.0, null, null);
        assertThat(gate(lenient, List.of(stats("2", 100, 5, 3)), stats("1", 100, 5, 3)).verdict()).as("as bad as before").isEqualTo(Verdict.PASSED);
        GateResult worse = gate(lenient, List.of(stats("2", 100, 5, 3)), stats("1", 100, 1, 3));
        assertThat(worse.verdict()).isEqualTo(Verdict.FAILED);
        assertThat(worse.reason()).contains("above the 1.0 % of the instances not upgraded yet");
        GateResult alone = gate(lenient, List.of(stats("2", 100, 5, 3)), stats("1", 10, 0, 3));
        assertThat(alone.verdict()).as("a baseline with too few requests is not compared").isEqualTo(Verdict.PASSED);
        assertThat(alone.reason()).contains("no instance not upgraded yet had enough requests");
    }

    @Test
    void p99LatencyIsCheckedAgainstTheLimitAndTheBaselineAboveTheNoise() {
        Analysis latency = new Analysis(null, null, null, 200, 50);
        assertThat(gate(latency, List.of(stats("2", 100, 0, 300))).reason()).contains("p99 latency", "above the 200 ms allowed");
        GateResult slower = gate(latency, List.of(stats("2", 100, 0, 100)), stats("1", 100, 0, 20));
        assertThat(slower.verdict()).isEqualTo(Verdict.FAILED);
        assertThat(slower.reason()).contains("more than 50 % above the");
        assertThat(gate(latency, List.of(stats("2", 100, 0, 6)), stats("1", 100, 0, 2)).verdict())
                .as("3× slower, but only a few ms: noise").isEqualTo(Verdict.PASSED);
    }
}
