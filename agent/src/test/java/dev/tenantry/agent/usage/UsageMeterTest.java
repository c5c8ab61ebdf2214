package dev.tenantry.agent.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tenantry.api.cell.TrafficStats;
import dev.tenantry.api.cell.UsageReport;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UsageMeterTest {
    private static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");

    private static TrafficStats traffic(String release, Instant since, long requests, long bytesOut) {
        return new TrafficStats(release, since, requests, 0, List.of(), 0, 0, bytesOut);
    }

    private static UsageMeter.Observation running(long pid, double cpu, long rss, TrafficStats t, long storage) {
        return new UsageMeter.Observation("u1", true, Map.of(pid, cpu), rss, t, storage);
    }

    private static UsageReport.InstanceUsage only(UsageMeter.State s) {
        UsageReport last = s.pending().getLast();
        assertThat(last.instances()).hasSize(1);
        return last.instances().getFirst();
    }

    @Test
    void theFirstSampleOnlyMarksAndTheNextReportsTheIntervalBetween() {
        UsageMeter.State s = UsageMeter.sample(UsageMeter.State.fresh(), T0, List.of(running(7, 10, 100_000_000, traffic("1", T0, 5, 500), 0)), false);
        assertThat(s.pending()).isEmpty();
        s = UsageMeter.sample(s, T0.plusSeconds(60), List.of(running(7, 13, 300_000_000, traffic("1", T0, 25, 2500), 1_000_000_000)), false);
        UsageReport report = s.pending().getFirst();
        assertThat(report.seq()).isEqualTo(1);
        assertThat(report.from()).isEqualTo(T0);
        assertThat(report.to()).isEqualTo(T0.plusSeconds(60));
        UsageReport.InstanceUsage u = only(s);
        assertThat(u.runningSeconds()).isEqualTo(60);
        assertThat(u.cpuSeconds()).isCloseTo(3, within(1e-9));
        assertThat(u.memoryGbSeconds()).as("the mean of 0.1 and 0.3 GB for 60 s").isCloseTo(12, within(1e-9));
        assertThat(u.requests()).isEqualTo(20);
        assertThat(u.bytesOut()).isEqualTo(2000);
        assertThat(u.storageGbSeconds()).isCloseTo(30, within(1e-9));
    }

    @Test
    void anInstanceThatStopsOrStartsHalfwayCountsHalfTheInterval() {
        UsageMeter.State s = UsageMeter.sample(UsageMeter.State.fresh(), T0, List.of(running(7, 10, 0, null, 0)), false);
        s = UsageMeter.sample(s, T0.plusSeconds(60), List.of(), false);
        assertThat(only(s).runningSeconds()).isEqualTo(30);
        s = UsageMeter.sample(s, T0.plusSeconds(120), List.of(running(9, 1, 0, null, 0)), false);
        assertThat(only(s).runningSeconds()).isEqualTo(30);
        assertThat(only(s).cpuSeconds()).as("a new process counts from zero").isEqualTo(1);
    }

    @Test
    void aRestartedReplicaOrANewReleasesCountersAreNotSubtracted() {
        UsageMeter.State s = UsageMeter.sample(UsageMeter.State.fresh(), T0, List.of(running(7, 50, 0, traffic("1", T0, 900, 0), 0)), false);
        Instant flipped = T0.plusSeconds(30);
        s = UsageMeter.sample(s, T0.plusSeconds(60), List.of(running(8, 2, 0, traffic("2", flipped, 40, 0), 0)), false);
        assertThat(only(s).cpuSeconds()).isEqualTo(2);
        assertThat(only(s).requests()).as("the gateway counts afresh for release 2").isEqualTo(40);
    }

    @Test
    void aStandbyAloneDoesNotMakeTheInstanceRunButItsCpuCounts() {
        UsageMeter.Observation standby = new UsageMeter.Observation("u1", false, Map.of(7L, 1.0), 0, null, 0);
        UsageMeter.State s = UsageMeter.sample(UsageMeter.State.fresh(), T0, List.of(standby), false);
        s = UsageMeter.sample(s, T0.plusSeconds(60), List.of(new UsageMeter.Observation("u1", false, Map.of(7L, 3.0), 0, null, 0)), false);
        assertThat(only(s).runningSeconds()).isZero();
        assertThat(only(s).cpuSeconds()).isEqualTo(2);
    }

    @Test
    void reportsAreNumberedAndAcceptedOnesLeaveThePendingList() {
        UsageMeter.State s = UsageMeter.State.fresh();
        for (int i = 0; i < 4; i++) s = UsageMeter.sample(s, T0.plusSeconds(60L * i), List.of(running(7, i, 0, null, 0)), i == 1);
        assertThat(s.pending()).extracting(UsageReport::seq).containsExactly(1L, 2L, 3L);
        assertThat(s.pending().getFirst().estimated()).isTrue();
        assertThat(s.pending().get(1).from()).isEqualTo(s.pending().getFirst().to());
        assertThat(s.withoutFirst(2).pending()).extracting(UsageReport::seq).containsExactly(3L);
    }
}
