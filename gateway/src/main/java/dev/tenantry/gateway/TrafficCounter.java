package dev.tenantry.gateway;

import dev.tenantry.api.cell.LatencyHistogram;
import dev.tenantry.api.cell.TrafficStats;
import java.time.Instant;
import java.util.concurrent.atomic.LongAdder;

/** Counts one route's requests while it serves one release: how many, how many answered 5xx, how fast, and their body bytes. */
final class TrafficCounter {
    private final String release;
    private final Instant since = Instant.now();
    private final LongAdder requests = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LatencyHistogram latency = new LatencyHistogram();
    private final LongAdder latencyNanos = new LongAdder();
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();

    TrafficCounter(String release) {
        this.release = release;
    }

    String release() {
        return release;
    }

    void record(int status, long nanos, long bodyBytesIn, long bodyBytesOut) {
        bytesIn.add(bodyBytesIn);
        bytesOut.add(bodyBytesOut);
        requests.increment();
        if (status >= 500) errors.increment();
        latency.record(nanos);
        latencyNanos.add(nanos);
    }

    TrafficStats snapshot() {
        return new TrafficStats(release, since, requests.sum(), errors.sum(), latency.snapshot(), latencyNanos.sum() / 1e9, bytesIn.sum(),
                bytesOut.sum());
    }
}
