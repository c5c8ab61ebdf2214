package dev.tenantry.server.domain;

import java.time.Duration;

/**
 * How long the control plane keeps what grows with use; an hourly timer removes what is older.
 *
 * @param events            the event outbox (default 7 days). Events a webhook has not yet passed are kept up to four
 *                          times as long; a stream resuming from an event no longer kept replays what is kept.
 * @param audit             the audit trail (default 400 days): cut at the newest signed checkpoint older than this, so
 *                          that verification starts from a signature it checks
 * @param operations        finished operations (default 30 days; one still running is never removed)
 * @param webhookDeliveries the log of webhook delivery attempts (default 7 days)
 */
public record Retention(Duration events, Duration audit, Duration operations, Duration webhookDeliveries) {
    public static final Retention DEFAULT = new Retention(Duration.ofDays(7), Duration.ofDays(400), Duration.ofDays(30), Duration.ofDays(7));

    public Retention {
        requirePositive("events", events);
        requirePositive("audit", audit);
        requirePositive("operations", operations);
        requirePositive("webhookDeliveries", webhookDeliveries);
    }

    private static void requirePositive(String name, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) throw new IllegalArgumentException(name + " retention must be positive, not " + d);
    }
}
