package dev.tenantry.server.domain;

/**
 * How many API calls one token may make per second, reads and changes apart; a caller may burst to
 * {@link #BURST_SECONDS} seconds' worth at once. 0 means no limit. Agents' calls for their own cell are not limited.
 */
public record ApiLimits(double readsPerSecond, double writesPerSecond) {
    /** Generous defaults: a person or a script never meets them; a runaway loop does within seconds. */
    public static final int DEFAULT_READS_PER_SECOND = 100;
    public static final int DEFAULT_WRITES_PER_SECOND = 20;
    public static final ApiLimits DEFAULT = new ApiLimits(DEFAULT_READS_PER_SECOND, DEFAULT_WRITES_PER_SECOND);
    public static final ApiLimits UNLIMITED = new ApiLimits(0, 0);
    public static final int BURST_SECONDS = 5;

    public ApiLimits {
        if (readsPerSecond < 0 || writesPerSecond < 0) throw new IllegalArgumentException("rates cannot be negative");
    }
}
