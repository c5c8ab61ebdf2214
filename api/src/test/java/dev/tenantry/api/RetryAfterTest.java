package dev.tenantry.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetryAfterTest {
    @Test
    void secondsAreReadAndAnythingElseIsNot() {
        assertThat(RetryAfter.of(Optional.of("3"))).contains(Duration.ofSeconds(3));
        assertThat(RetryAfter.of(Optional.of(" 0 "))).contains(Duration.ZERO);
        assertThat(RetryAfter.of(Optional.empty())).isEmpty();
        assertThat(RetryAfter.of(Optional.of("Wed, 21 Oct 2015 07:28:00 GMT"))).as("an HTTP date").isEmpty();
        assertThat(RetryAfter.of(Optional.of("-1"))).isEmpty();
        assertThat(RetryAfter.of(Optional.of("99999999999999999999"))).as("no overflow").isEmpty();
    }
}
