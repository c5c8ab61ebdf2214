package dev.tenantry.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.api.cell.LatencyHistogram;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CellMetricsTest {
    @Test
    void eachFineBucketCountsAtTheFirstBoundAtOrAboveItsOwn() {
        List<Long> fine = new ArrayList<>();
        for (int i = 0; i < LatencyHistogram.BUCKETS; i++) fine.add(0L);
        fine.set(0, 5L);   // ≤ 1 ms → le 0.005
        fine.set(9, 3L);   // ≤ 4.76 ms → le 0.005
        fine.set(10, 2L);  // ≤ 5.66 ms → le 0.01
        fine.set(40, 1L);  // ≤ 1024 ms → le 2.5
        fine.set(LatencyHistogram.BUCKETS - 1, 7L); // everything slower → +Inf
        long[] counts = CellMetrics.perBound(fine);
        assertThat(counts).hasSize(CellMetrics.BOUNDS.length);
        assertThat(counts[0]).isEqualTo(8);
        assertThat(counts[1]).isEqualTo(2);
        assertThat(counts[8]).isEqualTo(1);
        assertThat(counts[counts.length - 1]).isEqualTo(7);
        assertThat(java.util.Arrays.stream(counts).sum()).as("nothing lost or counted twice").isEqualTo(18);
    }

    @Test
    void procFilesAreReadAsLinuxWritesThem() {
        String stat = "4242 (a (weird) name) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 7 3 20 0 1 0 100 1000000 500";
        assertThat(ProcessUsage.ticksOf(stat, false)).isEqualTo(300);
        assertThat(ProcessUsage.ticksOf(stat, true)).isEqualTo(310);
        assertThat(ProcessUsage.residentOf("Name:\tjava\nVmRSS:\t  2048 kB\nThreads:\t3\n")).isEqualTo(2048 * 1024);
        assertThat(ProcessUsage.residentOf("Name:\tzombie\n")).isZero();
    }

    @Test
    void thisJvmUsesCpuAndMemory() {
        ProcessUsage usage = ProcessUsage.of(ProcessHandle.current().pid());
        assertThat(usage.cpuSeconds()).isPositive();
        assertThat(usage.residentBytes()).isGreaterThan(10_000_000);
        assertThat(ProcessUsage.of(Long.MAX_VALUE - 1)).isEqualTo(ProcessUsage.NONE);
    }
}
