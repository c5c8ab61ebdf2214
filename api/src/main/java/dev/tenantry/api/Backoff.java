package dev.tenantry.api;

import java.time.Duration;

/** Waits after failures in a row: {@code first} after one, twice as long after each further one, at most {@code cap}. */
public record Backoff(Duration first, Duration cap) {
    /** The wait after {@code failures} failures in a row (1 or more; less counts as 1). */
    public Duration after(int failures) {
        int doublings = Math.min(Math.max(failures, 1) - 1, 30);
        long millis = first.toMillis() << doublings;
        return millis <= 0 || millis > cap.toMillis() ? cap : Duration.ofMillis(millis);
    }
}
