package dev.tenantry.server.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RateLimitsTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void aTokenBurstsToFiveSecondsWorthThenWaitsForTheRefill() {
        RateLimits limits = new RateLimits(new ApiLimits(100, 2));
        for (int i = 0; i < 10; i++) assertThat(limits.take("tok_a", true, 0)).as("call %d", i).isEmpty();
        assertThat(limits.take("tok_a", true, 0)).contains(Duration.ofMillis(500));
        assertThat(limits.take("tok_a", true, SECOND / 2)).as("half a second refills one call").isEmpty();
        assertThat(limits.take("tok_a", true, SECOND / 2)).isPresent();
    }

    @Test
    void tokensAndReadsAndWritesHaveBucketsOfTheirOwn() {
        RateLimits limits = new RateLimits(new ApiLimits(1, 1));
        for (int i = 0; i < 5; i++) limits.take("tok_a", true, 0);
        assertThat(limits.take("tok_a", true, 0)).isPresent();
        assertThat(limits.take("tok_a", false, 0)).isEmpty();
        assertThat(limits.take("tok_b", true, 0)).isEmpty();
    }

    @Test
    void aRateOfZeroIsNoLimitAndAFullBucketDoesNotGrowPastItsBurst() {
        RateLimits unlimited = new RateLimits(ApiLimits.UNLIMITED);
        for (int i = 0; i < 10_000; i++) assertThat(unlimited.take("tok_a", true, 0)).isEmpty();
        RateLimits limits = new RateLimits(new ApiLimits(1, 1));
        limits.take("tok_a", false, 0);
        for (int i = 0; i < 5; i++) assertThat(limits.take("tok_a", false, 3600 * SECOND)).isEmpty();
        assertThat(limits.take("tok_a", false, 3600 * SECOND)).as("an idle hour still gives five calls, not 3600").isPresent();
    }
}
