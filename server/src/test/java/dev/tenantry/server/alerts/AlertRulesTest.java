package dev.tenantry.server.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.api.model.AlertOverride;
import dev.tenantry.server.alerts.AlertInputs.CellFacts;
import dev.tenantry.server.alerts.AlertInputs.InstanceFacts;
import dev.tenantry.server.alerts.AlertInputs.Sample;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class AlertRulesTest {
    private static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");

    private static Sample sample(Duration ago, long requests, long errors, List<Long> buckets, int restarts) {
        return new Sample(NOW.minus(ago), "1.0.0", NOW.minus(Duration.ofHours(1)), requests, errors, buckets, restarts);
    }

    private static InstanceFacts instance(String phase, boolean ready, Duration notReadyFor, Sample now, List<Sample> earlier) {
        return new InstanceFacts("uid1", "acme", "web", "hello", "starter", phase, ready, NOW.minus(notReadyFor), now, earlier);
    }

    private static List<Finding> evaluate(AlertThresholds thresholds, InstanceFacts... instances) {
        return AlertRules.evaluate(new AlertInputs(NOW, List.of(instances), List.of(), List.of(), List.of(), List.of()), thresholds);
    }

    private static List<String> rules(List<Finding> findings) {
        return findings.stream().map(f -> f.rule().id()).toList();
    }

    @Test
    void notReadyFiresPastItsThresholdOnlyForInstancesMeantToRun() {
        Sample idle = sample(Duration.ZERO, 0, 0, List.of(), 0);
        assertThat(rules(evaluate(AlertThresholds.DEFAULTS, instance("RUNNING", false, Duration.ofSeconds(121), idle, List.of()))))
                .containsExactly("instance-not-ready");
        assertThat(evaluate(AlertThresholds.DEFAULTS, instance("RUNNING", false, Duration.ofSeconds(100), idle, List.of()))).isEmpty();
        assertThat(evaluate(AlertThresholds.DEFAULTS, instance("STOPPED", false, Duration.ofHours(5), idle, List.of()))).isEmpty();
        assertThat(evaluate(AlertThresholds.DEFAULTS, instance("RUNNING", true, Duration.ofHours(5), idle, List.of()))).isEmpty();
        Finding f = evaluate(AlertThresholds.DEFAULTS, instance("PROVISIONING", false, Duration.ofSeconds(300), idle, List.of())).getFirst();
        assertThat(f.subject()).isEqualTo("tenants/acme/web");
        assertThat(f.figures()).containsEntry("threshold", 120.0).containsEntry("phase", "PROVISIONING");
    }

    @Test
    void theMostSpecificOverrideWinsAndDisabledRulesStaySilent() {
        Sample idle = sample(Duration.ZERO, 0, 0, List.of(), 0);
        InstanceFacts i = instance("RUNNING", false, Duration.ofSeconds(30), idle, List.of());
        AlertThresholds provider = new AlertThresholds(List.of(new AlertOverride("instance-not-ready", null, null, null, null, 20.0)));
        assertThat(rules(evaluate(provider, i))).containsExactly("instance-not-ready");
        AlertThresholds plan = new AlertThresholds(List.of(new AlertOverride("instance-not-ready", null, null, null, null, 20.0),
                new AlertOverride("instance-not-ready", null, "hello", "starter", null, 60.0)));
        assertThat(evaluate(plan, i)).isEmpty();
        AlertThresholds tenant = new AlertThresholds(List.of(new AlertOverride("instance-not-ready", null, "hello", "starter", null, 60.0),
                new AlertOverride("instance-not-ready", "acme", null, null, null, 10.0)));
        assertThat(tenant.of(AlertRule.INSTANCE_NOT_READY, "acme", "hello", "starter").from()).isEqualTo("tenant:acme");
        assertThat(rules(evaluate(tenant, i))).containsExactly("instance-not-ready");
        AlertThresholds off = new AlertThresholds(List.of(new AlertOverride("instance-not-ready", "acme", null, null, false, null)));
        assertThat(evaluate(off, instance("RUNNING", false, Duration.ofHours(1), idle, List.of()))).isEmpty();
        assertThat(off.of(AlertRule.INSTANCE_NOT_READY, "globex", "hello", "starter").enabled()).isTrue();
    }

    @Test
    void errorRateCountsOnlyTheWindowAndNeedsEnoughRequests() {
        // 1000 requests with 100 errors long ago; in the last 5 minutes 100 requests of which 10 failed: 10 %
        Sample base = sample(Duration.ofMinutes(6), 1000, 100, List.of(), 0);
        Sample now = sample(Duration.ZERO, 1100, 110, List.of(), 0);
        Finding f = evaluate(AlertThresholds.DEFAULTS, instance("RUNNING", true, Duration.ZERO, now, List.of(base))).getFirst();
        assertThat(f.rule()).isEqualTo(AlertRule.ERROR_RATE);
        assertThat(f.figures()).containsEntry("requests", 100L).containsEntry("errors", 10L).containsEntry("errorPercent", 10.0);
        // the same errors, all long ago: the window is clean
        Sample clean = sample(Duration.ZERO, 1100, 100, List.of(), 0);
        assertThat(evaluate(AlertThresholds.DEFAULTS, instance("RUNNING", true, Duration.ZERO, clean, List.of(base)))).isEmpty();
        // too few requests say nothing
        Sample few = sample(Duration.ZERO, 1010, 110, List.of(), 0);
        assertThat(evaluate(AlertThresholds.DEFAULTS, instance("RUNNING", true, Duration.ZERO, few, List.of(base)))).isEmpty();
    }

    @Test
    void aNewReleaseResetsTheCountersAndTheWindowTakesThemWhole() {
        Sample base = sample(Duration.ofMinutes(6), 5000, 0, List.of(), 0);
        Sample afterUpgrade = new Sample(NOW, "2.0.0", NOW.minus(Duration.ofMinutes(1)), 40, 20, List.of(), 0);
        Finding f = evaluate(AlertThresholds.DEFAULTS, instance("RUNNING", true, Duration.ZERO, afterUpgrade, List.of(base))).getFirst();
        assertThat(f.figures()).containsEntry("requests", 40L).containsEntry("errorPercent", 50.0);
        // no sample yet of an instance counting for hours: no window to judge
        Sample old = sample(Duration.ZERO, 5000, 2500, List.of(), 0);
        assertThat(evaluate(AlertThresholds.DEFAULTS, instance("RUNNING", true, Duration.ZERO, old, List.of()))).isEmpty();
    }

    @Test
    void p99IsMeasuredFromTheWindowsLatencyBuckets() {
        // bucket 40 is about 1024 ms, bucket 48 about 4096 ms
        List<Long> before = new java.util.ArrayList<>(java.util.Collections.nCopies(49, 0L));
        before.set(40, 1000L);
        List<Long> after = new java.util.ArrayList<>(before);
        after.set(48, 50L);
        Sample base = sample(Duration.ofMinutes(5), 1000, 0, before, 0);
        Sample now = sample(Duration.ZERO, 1050, 0, after, 0);
        Finding f = evaluate(AlertThresholds.DEFAULTS, instance("RUNNING", true, Duration.ZERO, now, List.of(base))).getFirst();
        assertThat(f.rule()).isEqualTo(AlertRule.LATENCY_P99);
        assertThat((Double) f.figures().get("p99Ms")).isGreaterThan(4000);
    }

    @Test
    void crashLoopingCountsRestartsInTheLastTenMinutes() {
        Sample base = sample(Duration.ofMinutes(11), 0, 0, List.of(), 2);
        assertThat(rules(evaluate(AlertThresholds.DEFAULTS, instance("RUNNING", true, Duration.ZERO, sample(Duration.ZERO, 0, 0, List.of(), 5),
                List.of(base))))).containsExactly("crash-looping");
        assertThat(evaluate(AlertThresholds.DEFAULTS, instance("RUNNING", true, Duration.ZERO, sample(Duration.ZERO, 0, 0, List.of(), 4),
                List.of(base)))).isEmpty();
        assertThat(evaluate(AlertThresholds.DEFAULTS, instance("RUNNING", true, Duration.ZERO, sample(Duration.ZERO, 0, 0, List.of(), 9),
                List.of()))).as("no sample yet: nothing to compare with").isEmpty();
    }

    @Test
    void aSilentCellFiresAndIsEvacuatedOnlyPastTheRecoveryThreshold() {
        CellFacts silent = new CellFacts("far", NOW.minusSeconds(120), NOW.minus(Duration.ofDays(1)), 3);
        CellFacts empty = new CellFacts("gone", null, NOW.minus(Duration.ofDays(1)), 0);
        CellFacts fine = new CellFacts("local", NOW.minusSeconds(5), NOW.minus(Duration.ofDays(1)), 10);
        AlertInputs in = new AlertInputs(NOW, List.of(), List.of(silent, empty, fine), List.of(), List.of(), List.of());
        assertThat(AlertRules.evaluate(in, AlertThresholds.DEFAULTS)).extracting(Finding::subject).containsExactly("cells/far", "cells/gone");
        assertThat(AlertRules.cellsToEvacuate(in, AlertThresholds.DEFAULTS)).as("600 s by default").isEmpty();
        AlertThresholds quick = new AlertThresholds(List.of(new AlertOverride("replace-offline-cell", null, null, null, null, 60.0)));
        assertThat(AlertRules.cellsToEvacuate(in, quick)).containsExactly("far");
        AlertThresholds never = new AlertThresholds(List.of(new AlertOverride("replace-offline-cell", null, null, null, false, 60.0)));
        assertThat(AlertRules.cellsToEvacuate(in, never)).isEmpty();
    }

    @Test
    void certificatesFireNearExpiryOrWhenARenewalIsOverdue() {
        var custom = new AlertInputs.CertificateFacts("www.acme.com", true, "acme", "hello", "starter", "web", NOW.minus(Duration.ofDays(80)),
                NOW.plus(Duration.ofDays(10)));
        // a 100-day certificate with 20 days left: its cell renews it at a third left, it is overdue below a sixth
        var renewing = new AlertInputs.CertificateFacts("web.acme.localhost", false, "acme", "hello", "starter", "web",
                NOW.minus(Duration.ofDays(80)), NOW.plus(Duration.ofDays(20)));
        var overdue = new AlertInputs.CertificateFacts("api.acme.localhost", false, "acme", "hello", "starter", "api",
                NOW.minus(Duration.ofDays(85)), NOW.plus(Duration.ofDays(5)));
        AlertInputs in = new AlertInputs(NOW, List.of(), List.of(), List.of(custom, renewing, overdue), List.of(), List.of());
        assertThat(AlertRules.evaluate(in, AlertThresholds.DEFAULTS)).extracting(Finding::subject)
                .containsExactly("certificates/www.acme.com", "certificates/api.acme.localhost");
    }

    @Test
    void aQuotaNearlyUsedFiresOncePerQuotaWithItsFullestField() {
        AlertInputs in = new AlertInputs(NOW, List.of(), List.of(), List.of(), List.of(), List.of(
                new AlertInputs.QuotaFacts("acme", null, null, "instances", 9, 10),
                new AlertInputs.QuotaFacts("acme", null, null, "memoryMb", 1000, 1024),
                new AlertInputs.QuotaFacts("globex", "hello", "starter", "instances", 1, 10)));
        List<Finding> found = AlertRules.evaluate(in, AlertThresholds.DEFAULTS);
        assertThat(found).hasSize(1);
        assertThat(found.getFirst().subject()).isEqualTo("tenants/acme/quota");
        assertThat(found.getFirst().figures()).containsEntry("field", "memoryMb");
    }
}
