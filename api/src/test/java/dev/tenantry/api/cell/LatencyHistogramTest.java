package dev.tenantry.api.cell;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class LatencyHistogramTest {
    private static long millis(double ms) {
        return (long) (ms * 1_000_000);
    }

    @Test
    void aLatencyFallsInTheFirstBucketWhoseBoundIsNotBelowIt() {
        assertThat(LatencyHistogram.bucketOf(millis(0.3))).isZero();
        assertThat(LatencyHistogram.bucketOf(millis(1))).isZero();
        assertThat(LatencyHistogram.bucketOf(millis(2))).isEqualTo(4);
        assertThat(LatencyHistogram.bucketOf(millis(2.1))).isEqualTo(5);
        assertThat(LatencyHistogram.upperBoundMillis(5)).isGreaterThanOrEqualTo(2.1);
        assertThat(LatencyHistogram.bucketOf(millis(3_600_000))).as("an hour: the last bucket").isEqualTo(LatencyHistogram.BUCKETS - 1);
    }

    @Test
    void theP99OfMergedSnapshotsIsTheBoundOfTheBucketThe99thPercentileFallsIn() {
        LatencyHistogram fast = new LatencyHistogram();
        LatencyHistogram slow = new LatencyHistogram();
        for (int i = 0; i < 980; i++) fast.record(millis(3));
        for (int i = 0; i < 20; i++) slow.record(millis(400));
        assertThat(fast.snapshot()).as("trimmed after the last non-zero bucket").hasSize(LatencyHistogram.bucketOf(millis(3)) + 1);
        Double p99 = LatencyHistogram.quantileMillis(List.of(fast.snapshot(), slow.snapshot()), 0.99);
        assertThat(p99).as("2 % of the requests took 400 ms").isBetween(400.0, 400 * 1.19);
        assertThat(LatencyHistogram.quantileMillis(List.of(fast.snapshot()), 0.99)).isBetween(3.0, 3 * 1.19);
        assertThat(LatencyHistogram.quantileMillis(List.of(List.of(), new LatencyHistogram().snapshot()), 0.99)).as("no request").isNull();
    }
}
