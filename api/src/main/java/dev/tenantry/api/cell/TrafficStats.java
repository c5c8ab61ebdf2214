package dev.tenantry.api.cell;

import java.time.Instant;
import java.util.List;

/**
 * The requests a gateway routed to one instance while its route served {@code release}, counted from {@code since}
 * (the gateway counts afresh when the release behind a route changes, so after a blue-green flip only the new
 * release's requests count): how many, how many were answered with a 5xx (by the instance, or by the gateway for it),
 * their {@link LatencyHistogram} counts, the sum of their latencies in seconds, and the bytes of their bodies in and out.
 */
public record TrafficStats(String release, Instant since, long requests, long errors, List<Long> latencyBuckets, double latencySeconds,
                           long bytesIn, long bytesOut) {
    public TrafficStats {
        latencyBuckets = latencyBuckets == null ? List.of() : List.copyOf(latencyBuckets);
    }

    public TrafficStats(String release, Instant since, long requests, long errors, List<Long> latencyBuckets, double latencySeconds) {
        this(release, since, requests, errors, latencyBuckets, latencySeconds, 0, 0);
    }

    public TrafficStats(String release, Instant since, long requests, long errors, List<Long> latencyBuckets) {
        this(release, since, requests, errors, latencyBuckets, 0);
    }
}
