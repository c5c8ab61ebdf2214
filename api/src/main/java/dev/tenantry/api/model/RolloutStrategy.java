package dev.tenantry.api.model;

import java.util.List;

/**
 * How a rollout proceeds: a canary cohort ({@code canaryCount} instances, or {@code canaryPercent} of the
 * selection, at least one), then waves reaching the given cumulative percentages of the selection (the last
 * is 100), or with {@code exponential} waves that double (1, 2, 4, 8, … instances), each followed by
 * {@code bakeSeconds} and a health gate; at most {@code maxParallel} upgrades at a
 * time; more failed instances than the error budget ({@code errorBudgetCount}, or {@code errorBudgetPercent}
 * of the selection; default 0) halts the rollout and rolls the current wave back. With an {@code analysis}, each
 * wave must also pass an analysis gate on its request figures from the gateways.
 */
public record RolloutStrategy(Integer canaryCount, Integer canaryPercent, List<Integer> waves, Boolean exponential, Integer bakeSeconds,
                              Integer maxParallel, Integer errorBudgetCount, Integer errorBudgetPercent, Analysis analysis) {
    public static final int DEFAULT_MAX_PARALLEL = 5;
    public static final List<Integer> DEFAULT_WAVES = List.of(100);

    public RolloutStrategy {
        waves = waves == null || waves.isEmpty() ? DEFAULT_WAVES : List.copyOf(waves);
    }

    public static final RolloutStrategy DEFAULT = new RolloutStrategy(null, null, null, null, null, null, null, null, null);

    public boolean isExponential() {
        return Boolean.TRUE.equals(exponential);
    }

    public int bake() {
        return bakeSeconds == null ? 0 : bakeSeconds;
    }

    public int parallel() {
        return maxParallel == null ? DEFAULT_MAX_PARALLEL : maxParallel;
    }

    /** The canary cohort's size among {@code selected} instances (0: no canary). */
    public int canarySize(int selected) {
        if (canaryCount != null) return Math.min(canaryCount, selected);
        if (canaryPercent != null) return Math.min(selected, Math.max(1, (int) Math.ceil(selected * canaryPercent / 100.0)));
        return 0;
    }

    /** How many failed instances the rollout tolerates among {@code selected}. */
    public int errorBudget(int selected) {
        if (errorBudgetCount != null) return errorBudgetCount;
        if (errorBudgetPercent != null) return (int) Math.floor(selected * errorBudgetPercent / 100.0);
        return 0;
    }
}
