package dev.tenantry.api.model;

import java.time.Instant;
import java.util.List;

/**
 * A subscription: every event of the {@code types} (exact, a prefix such as {@code alert.*}, or {@code *}) of
 * {@code tenant} (null: every tenant's and the provider's) is posted to {@code url}, in order, signed per the Standard
 * Webhooks scheme, as a CloudEvents JSON body or, in the {@code slack} format, as a {@code {"text": …}} summary.
 * {@code secret} is in the create response only. {@code failures}: failed tries in a row since the last delivery,
 * {@code nextAttemptAt} when it is tried again.
 */
public record Webhook(String id, String url, List<String> types, String tenant, Format format, String createdBy, Instant createdAt,
                      long delivered, Instant lastDeliveredAt, String lastError, int failures, Instant nextAttemptAt, String secret) {
    public enum Format { cloudevents, slack }

    public Webhook {
        types = types == null ? List.of() : List.copyOf(types);
    }

    public Webhook withSecret(String value) {
        return new Webhook(id, url, types, tenant, format, createdBy, createdAt, delivered, lastDeliveredAt, lastError, failures, nextAttemptAt, value);
    }
}
