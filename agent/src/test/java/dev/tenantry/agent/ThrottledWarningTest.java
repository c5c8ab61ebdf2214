package dev.tenantry.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class ThrottledWarningTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void aPersistingFailureIsWarnedAboutAtOnceThenOncePerIntervalAndAgainAtOnceAfterASuccess() {
        ThrottledWarning warning = new ThrottledWarning(LoggerFactory.getLogger(ThrottledWarningTest.class), Duration.ofMinutes(1));
        assertThat(warning.warnNow(0)).as("the first failure").isTrue();
        assertThat(warning.warnNow(SECOND)).isFalse();
        assertThat(warning.warnNow(59 * SECOND)).isFalse();
        assertThat(warning.warnNow(60 * SECOND)).as("a minute after the last warning").isTrue();
        assertThat(warning.warnNow(61 * SECOND)).isFalse();
        warning.succeeded();
        assertThat(warning.warnNow(62 * SECOND)).as("the first failure after a success").isTrue();
    }
}
