package dev.tenantry.api.model;

import java.time.Instant;

/**
 * One run of a rollout's analysis gate after wave {@code wave}: its verdict and why, with the figures of the wave's
 * upgraded instances and of the instances not upgraded yet (the baseline; null when none had requests to compare).
 */
public record GateResult(int wave, Verdict verdict, String reason, Figures upgraded, Figures baseline, Instant at) {
    public enum Verdict { PASSED, FAILED, INCONCLUSIVE }

    /** Requests to a group of instances: how many, how many answered 5xx, the error rate and the p99 latency (null: no request). */
    public record Figures(int instances, long requests, long errors, Double errorPercent, Double p99Millis) {}
}
