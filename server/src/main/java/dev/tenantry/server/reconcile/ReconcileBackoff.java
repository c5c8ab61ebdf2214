package dev.tenantry.server.reconcile;

import java.time.Duration;

/**
 * How long an object waits after failed passes before the next: {@link #FIRST} after the first failure, twice as
 * long after each further one, at most {@link #CAP}. A pass that succeeds starts the count again.
 */
public final class ReconcileBackoff {
    /** The wait after one failure. */
    public static final Duration FIRST = Duration.ofSeconds(1);
    /** The longest wait, however many failures. */
    public static final Duration CAP = Duration.ofMinutes(5);

    private static final dev.tenantry.api.Backoff BACKOFF = new dev.tenantry.api.Backoff(FIRST, CAP);

    private ReconcileBackoff() {}

    /** The wait after {@code failures} failed passes in a row (1 or more). */
    public static Duration after(int failures) {
        return BACKOFF.after(failures);
    }
}
