package dev.tenantry.api;

import java.time.Duration;
import java.util.Optional;

/** The {@code Retry-After} of a 429 or 503 answer, as the control plane sends it: a number of seconds. */
public final class RetryAfter {
    private RetryAfter() {}

    /** The wait the header asks for; empty when it is absent or not a whole number of seconds (an HTTP date, say). */
    public static Optional<Duration> of(Optional<String> header) {
        return header.map(String::strip).filter(v -> v.matches("[0-9]{1,9}")).map(v -> Duration.ofSeconds(Long.parseLong(v)));
    }
}
