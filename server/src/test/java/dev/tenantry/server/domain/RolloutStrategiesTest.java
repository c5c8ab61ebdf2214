package dev.tenantry.server.domain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.api.model.RolloutStrategy;
import dev.tenantry.api.validation.Errors;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class RolloutStrategiesTest {
    private static RolloutStrategy strategy(Integer canaryCount, Integer canaryPercent, List<Integer> waves) {
        return new RolloutStrategy(canaryCount, canaryPercent, waves, null, null, null, null, null, null);
    }

    @Test
    void aCanaryComesFirstThenTheWavesCumulativePercentagesOfTheRest() {
        List<Integer> waves = RolloutStrategies.waves(strategy(1, null, List.of(10, 25, 50, 100)), 21);
        assertThat(waves).hasSize(21);
        assertThat(Collections.frequency(waves, 0)).as("canary").isEqualTo(1);
        assertThat(Collections.frequency(waves, 1)).as("10 % of 20").isEqualTo(2);
        assertThat(Collections.frequency(waves, 2)).as("up to 25 % of 20").isEqualTo(3);
        assertThat(Collections.frequency(waves, 3)).as("up to 50 %").isEqualTo(5);
        assertThat(Collections.frequency(waves, 4)).as("the rest").isEqualTo(10);
        assertThat(waves).isSorted();
    }

    @Test
    void emptyWavesAreLeftOutAndAPercentCanaryIsAtLeastOne() {
        assertThat(RolloutStrategies.waves(strategy(null, 5, List.of(10, 25, 50, 100)), 3)).containsExactly(0, 1, 2);
        assertThat(RolloutStrategies.waves(strategy(null, null, null), 4)).containsExactly(0, 0, 0, 0);
        assertThat(RolloutStrategies.waves(strategy(5, null, null), 2)).as("a canary no larger than the selection").containsExactly(0, 0);
    }

    @Test
    void exponentialWavesDouble() {
        RolloutStrategy exponential = new RolloutStrategy(1, null, null, true, null, null, null, null, null);
        List<Integer> waves = RolloutStrategies.waves(exponential, 12);
        assertThat(List.of(0, 1, 2, 3, 4).stream().map(w -> Collections.frequency(waves, w)).toList())
                .as("canary 1, then 1, 2, 4 and the last 4 of 11").containsExactly(1, 1, 2, 4, 4);
    }

    @Test
    void invalidStrategiesNameTheirField() {
        Errors errors = new Errors();
        RolloutStrategies.check(errors, new RolloutStrategy(1, 5, List.of(50, 90), true, -1, 0, 1, 1,
                new dev.tenantry.api.model.Analysis(0, -1.0, 101.0, 0, -5)));
        assertThat(fields(errors)).contains("strategy.canaryCount", "strategy.waves", "strategy.bakeSeconds", "strategy.maxParallel",
                "strategy.errorBudgetCount", "strategy.exponential", "strategy.analysis.minRequests", "strategy.analysis.maxErrorPercent",
                "strategy.analysis.maxErrorPercentOverBaseline", "strategy.analysis.maxP99Millis", "strategy.analysis.maxP99IncreasePercent");
        Errors fine = new Errors();
        RolloutStrategies.check(fine, strategy(null, 10, List.of(25, 100)));
        assertThat(fine.isEmpty()).isTrue();
    }

    private static List<String> fields(Errors errors) {
        try {
            errors.throwIfAny();
            return List.of();
        } catch (dev.tenantry.api.validation.ValidationException e) {
            return e.errors().stream().map(dev.tenantry.api.validation.FieldError::field).toList();
        }
    }

    @Test
    void wavesOutOfOrderAreNamedAsSuchNotAsFallingShortOf100() {
        dev.tenantry.api.validation.Errors errors = new dev.tenantry.api.validation.Errors();
        RolloutStrategies.check(errors, strategy(null, null, List.of(50, 25, 100)));
        assertThat(org.assertj.core.api.Assertions.catchThrowable(errors::throwIfAny)).hasMessageContaining("strategy.waves[1]")
                .hasMessageContaining("above the wave before it (50)").hasMessageNotContaining("must reach 100");
        dev.tenantry.api.validation.Errors shortOf = new dev.tenantry.api.validation.Errors();
        RolloutStrategies.check(shortOf, strategy(null, null, List.of(25, 50)));
        assertThat(org.assertj.core.api.Assertions.catchThrowable(shortOf::throwIfAny)).hasMessageContaining("must reach 100");
    }
}
