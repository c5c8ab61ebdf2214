package dev.tenantry.server.domain;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-token token buckets for API calls: one for reads, one for changes. A bucket holds {@link ApiLimits#BURST_SECONDS}
 * seconds' worth of calls and refills continuously; a call that finds it empty is told how long to wait. Pure
 * arithmetic on the time it is given, so tests decide what time it is.
 */
public final class RateLimits {
    private final ApiLimits limits;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    public RateLimits(ApiLimits limits) {
        this.limits = limits;
    }

    /**
     * Takes one call from the token's bucket; empty when allowed, else how long until a call would be. A rate of 0
     * means no limit.
     */
    public java.util.Optional<Duration> take(String tokenId, boolean write, long nowNanos) {
        double perSecond = write ? limits.writesPerSecond() : limits.readsPerSecond();
        if (perSecond <= 0) return java.util.Optional.empty();
        if (buckets.size() > MAX_BUCKETS) buckets.clear();
        Bucket bucket = buckets.computeIfAbsent(tokenId + (write ? "/w" : "/r"), k -> new Bucket(perSecond * ApiLimits.BURST_SECONDS, nowNanos));
        return bucket.take(perSecond, perSecond * ApiLimits.BURST_SECONDS, nowNanos);
    }

    /** Tokens that called recently; past this many, every bucket starts full again (bounded memory, generous to callers). */
    private static final int MAX_BUCKETS = 100_000;

    private static final class Bucket {
        private double tokens;
        private long lastNanos;

        Bucket(double tokens, long nowNanos) {
            this.tokens = tokens;
            this.lastNanos = nowNanos;
        }

        synchronized java.util.Optional<Duration> take(double perSecond, double capacity, long nowNanos) {
            tokens = Math.min(capacity, tokens + (nowNanos - lastNanos) / 1e9 * perSecond);
            lastNanos = nowNanos;
            if (tokens >= 1) {
                tokens -= 1;
                return java.util.Optional.empty();
            }
            return java.util.Optional.of(Duration.ofNanos((long) Math.ceil((1 - tokens) / perSecond * 1e9)));
        }
    }
}
