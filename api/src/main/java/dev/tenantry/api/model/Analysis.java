package dev.tenantry.api.model;

/**
 * A rollout's analysis gate, run after each wave's bake and health gate, on what the gateways counted of the requests
 * to the wave's upgraded instances since they flipped to the new release: at least {@code minRequests} of them
 * (fewer is inconclusive: the rollout pauses, never passes), an error rate (5xx) of at most {@code maxErrorPercent}
 * and at most {@code maxErrorPercentOverBaseline} points above that of the instances not upgraded yet, a p99 latency
 * of at most {@code maxP99Millis} (if given) and at most {@code maxP99IncreasePercent} above theirs (if given; a
 * difference of {@value #P99_NOISE_MILLIS} ms or less never fails). The comparisons with the instances not upgraded yet
 * are made when they had {@code minRequests} requests too.
 */
public record Analysis(Integer minRequests, Double maxErrorPercent, Double maxErrorPercentOverBaseline, Integer maxP99Millis,
                       Integer maxP99IncreasePercent) {
    public static final int DEFAULT_MIN_REQUESTS = 50;
    public static final double DEFAULT_MAX_ERROR_PERCENT = 1.0;
    public static final double DEFAULT_MAX_ERROR_PERCENT_OVER_BASELINE = 1.0;
    public static final int P99_NOISE_MILLIS = 10;

    public int minRequestsOrDefault() {
        return minRequests == null ? DEFAULT_MIN_REQUESTS : minRequests;
    }

    public double maxErrorPercentOrDefault() {
        return maxErrorPercent == null ? DEFAULT_MAX_ERROR_PERCENT : maxErrorPercent;
    }

    public double maxErrorPercentOverBaselineOrDefault() {
        return maxErrorPercentOverBaseline == null ? DEFAULT_MAX_ERROR_PERCENT_OVER_BASELINE : maxErrorPercentOverBaseline;
    }
}
