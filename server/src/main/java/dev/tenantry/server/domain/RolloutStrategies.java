package dev.tenantry.server.domain;

import dev.tenantry.api.model.Analysis;
import dev.tenantry.api.model.RolloutStrategy;
import dev.tenantry.api.validation.Errors;
import java.util.ArrayList;
import java.util.List;

/** Validation of a rollout strategy, and the split of the selected instances into a canary and waves. */
final class RolloutStrategies {
    static final int MAX_BAKE_SECONDS = 7 * 24 * 3600;
    static final int MAX_PARALLEL = 1000;

    private RolloutStrategies() {}

    static void check(Errors errors, RolloutStrategy s) {
        if (s.canaryCount() != null && s.canaryPercent() != null) errors.add("strategy.canaryCount", "give canaryCount or canaryPercent, not both");
        if (s.canaryCount() != null && s.canaryCount() < 1) errors.add("strategy.canaryCount", "must be at least 1");
        if (s.canaryPercent() != null && (s.canaryPercent() < 1 || s.canaryPercent() > 100)) {
            errors.add("strategy.canaryPercent", "must be between 1 and 100");
        }
        int previous = 0;
        boolean growing = true;
        for (int n = 0; n < s.waves().size() && growing; n++) {
            Integer wave = s.waves().get(n);
            if (wave == null || wave < 1 || wave > 100) {
                errors.add("strategy.waves[" + n + "]", "each wave is a cumulative percentage from 1 to 100");
                growing = false;
            } else if (wave <= previous) {
                errors.add("strategy.waves[" + n + "]", "must be above the wave before it (" + previous + "): waves are cumulative percentages that grow");
                growing = false;
            } else {
                previous = wave;
            }
        }
        if (growing && previous != 0 && previous != 100) errors.add("strategy.waves", "the last wave must reach 100 (percent)");
        if (s.isExponential() && !s.waves().equals(RolloutStrategy.DEFAULT_WAVES)) {
            errors.add("strategy.exponential", "give waves or exponential, not both");
        }
        if (s.bakeSeconds() != null && (s.bakeSeconds() < 0 || s.bakeSeconds() > MAX_BAKE_SECONDS)) {
            errors.add("strategy.bakeSeconds", "must be between 0 and " + MAX_BAKE_SECONDS);
        }
        if (s.maxParallel() != null && (s.maxParallel() < 1 || s.maxParallel() > MAX_PARALLEL)) {
            errors.add("strategy.maxParallel", "must be between 1 and " + MAX_PARALLEL);
        }
        if (s.errorBudgetCount() != null && s.errorBudgetPercent() != null) {
            errors.add("strategy.errorBudgetCount", "give errorBudgetCount or errorBudgetPercent, not both");
        }
        if (s.errorBudgetCount() != null && s.errorBudgetCount() < 0) errors.add("strategy.errorBudgetCount", "must not be negative");
        if (s.errorBudgetPercent() != null && (s.errorBudgetPercent() < 0 || s.errorBudgetPercent() > 100)) {
            errors.add("strategy.errorBudgetPercent", "must be between 0 and 100");
        }
        if (s.analysis() != null) checkAnalysis(errors, s.analysis());
    }

    private static void checkAnalysis(Errors errors, Analysis a) {
        if (a.minRequests() != null && (a.minRequests() < 1 || a.minRequests() > 1_000_000)) {
            errors.add("strategy.analysis.minRequests", "must be between 1 and 1000000");
        }
        if (a.maxErrorPercent() != null && (a.maxErrorPercent() < 0 || a.maxErrorPercent() > 100)) {
            errors.add("strategy.analysis.maxErrorPercent", "must be between 0 and 100");
        }
        if (a.maxErrorPercentOverBaseline() != null && (a.maxErrorPercentOverBaseline() < 0 || a.maxErrorPercentOverBaseline() > 100)) {
            errors.add("strategy.analysis.maxErrorPercentOverBaseline", "must be between 0 and 100");
        }
        if (a.maxP99Millis() != null && (a.maxP99Millis() < 1 || a.maxP99Millis() > 600_000)) {
            errors.add("strategy.analysis.maxP99Millis", "must be between 1 and 600000");
        }
        if (a.maxP99IncreasePercent() != null && (a.maxP99IncreasePercent() < 0 || a.maxP99IncreasePercent() > 10_000)) {
            errors.add("strategy.analysis.maxP99IncreasePercent", "must be between 0 and 10000");
        }
    }

    /**
     * The wave of each of {@code selected} instances, in order: the canary cohort first (wave 0, if any), then the
     * waves' cumulative percentages of the rest; waves that would be empty are left out, so waves are numbered densely.
     */
    static List<Integer> waves(RolloutStrategy s, int selected) {
        int canary = s.canarySize(selected);
        int rest = selected - canary;
        List<Integer> sizes = new ArrayList<>();
        if (canary > 0) sizes.add(canary);
        int done = 0;
        if (s.isExponential()) {
            for (int size = 1; done < rest; size *= 2) {
                sizes.add(Math.min(size, rest - done));
                done += sizes.get(sizes.size() - 1);
            }
        }
        for (int percent : s.isExponential() ? List.<Integer>of() : s.waves()) {
            int upTo = (int) Math.ceil(rest * percent / 100.0);
            if (upTo > done) sizes.add(upTo - done);
            done = Math.max(done, upTo);
        }
        List<Integer> waveOf = new ArrayList<>();
        for (int wave = 0; wave < sizes.size(); wave++) {
            for (int n = 0; n < sizes.get(wave); n++) waveOf.add(wave);
        }
        return waveOf;
    }
}
