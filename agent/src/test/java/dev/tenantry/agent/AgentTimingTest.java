package dev.tenantry.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AgentTimingTest {
    @Test
    void fullReportsComeAtMostATenthEarlyAndAgentsDriftApart() {
        Random random = new Random(42);
        Set<Long> times = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            long next = AgentTiming.DEFAULT.nextFullReportNanos(random);
            assertThat(next).isBetween(Duration.ofSeconds(270).toNanos(), Duration.ofMinutes(5).toNanos());
            times.add(next / 1_000_000_000L);
        }
        assertThat(times).as("distinct seconds among 1000 agents' next full reports").hasSizeGreaterThan(25);
    }

    @Test
    void nonsenseIsRefused() {
        assertThatThrownBy(() -> new AgentTiming(Duration.ofSeconds(25), Duration.ofSeconds(10), Duration.ofSeconds(5)))
                .hasMessageContaining("fullReport");
    }
}
