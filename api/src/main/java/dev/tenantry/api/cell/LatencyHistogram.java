package dev.tenantry.api.cell;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Request latencies in {@value #BUCKETS} buckets whose upper bounds grow by a factor 2^¼ (about 19 %) from 1 ms to
 * about 55 s (the last bucket takes everything slower): small enough to report per instance every second, precise
 * enough to compare a p99 between releases. Counting is lock-free; a snapshot lists the counts up to the last non-zero.
 */
public final class LatencyHistogram {
    public static final int BUCKETS = 64;
    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);

    /** The upper bound of bucket {@code i}, in milliseconds. */
    public static double upperBoundMillis(int i) {
        return Math.pow(2, i / 4.0);
    }

    static int bucketOf(long nanos) {
        double millis = nanos / 1e6;
        if (millis <= 1) return 0;
        return (int) Math.min(BUCKETS - 1, Math.ceil(4 * Math.log(millis) / Math.log(2) - 1e-9));
    }

    public void record(long nanos) {
        counts.incrementAndGet(bucketOf(nanos));
    }

    public List<Long> snapshot() {
        List<Long> list = new ArrayList<>();
        for (int i = 0; i < BUCKETS; i++) list.add(counts.get(i));
        while (!list.isEmpty() && list.getLast() == 0) list.removeLast();
        return list;
    }

    /**
     * The {@code quantile} (0.99 for p99) of the merged {@code snapshots}, as the upper bound of the bucket it falls in
     * (so never below the true value, and at most about 19 % above it); null when they hold no request.
     */
    public static Double quantileMillis(Collection<List<Long>> snapshots, double quantile) {
        long[] merged = new long[BUCKETS];
        long total = 0;
        for (List<Long> s : snapshots) {
            for (int i = 0; i < Math.min(BUCKETS, s.size()); i++) {
                merged[i] += s.get(i);
                total += s.get(i);
            }
        }
        if (total == 0) return null;
        long rank = (long) Math.ceil(quantile * total);
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += merged[i];
            if (seen >= rank) return upperBoundMillis(i);
        }
        return upperBoundMillis(BUCKETS - 1);
    }
}
