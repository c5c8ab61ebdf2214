package dev.tenantry.app;

import dev.tenantry.server.domain.Retention;
import java.time.Duration;
import picocli.CommandLine.Option;

/** How long the control plane keeps what grows with use, as options of {@code tenantry server}. */
final class RetentionOptions {
    @Option(names = "--event-retention-days", paramLabel = "DAYS", defaultValue = "7",
            description = "Days events are kept (those a webhook has not yet passed: up to four times as long; default: ${DEFAULT-VALUE})")
    int eventDays;

    @Option(names = "--audit-retention-days", paramLabel = "DAYS", defaultValue = "400",
            description = "Days audit records are kept, cut at a signed checkpoint (default: ${DEFAULT-VALUE})")
    int auditDays;

    @Option(names = "--operation-retention-days", paramLabel = "DAYS", defaultValue = "30",
            description = "Days finished operations are kept (default: ${DEFAULT-VALUE})")
    int operationDays;

    @Option(names = "--webhook-delivery-retention-days", paramLabel = "DAYS", defaultValue = "7",
            description = "Days the log of webhook delivery attempts is kept (default: ${DEFAULT-VALUE})")
    int webhookDeliveryDays;

    Retention toRetention() {
        return new Retention(days("--event-retention-days", eventDays), days("--audit-retention-days", auditDays),
                days("--operation-retention-days", operationDays), days("--webhook-delivery-retention-days", webhookDeliveryDays));
    }

    private static Duration days(String option, int days) {
        if (days < 1 || days > 36_500) throw new IllegalArgumentException(option + " must be between 1 and 36500 days, not " + days);
        return Duration.ofDays(days);
    }
}
