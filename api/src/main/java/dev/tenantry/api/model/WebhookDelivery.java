package dev.tenantry.api.model;

import java.time.Instant;

/**
 * One try to post a message to a subscriber: the event ({@code eventId} null for a test message), the
 * {@code webhook-id} it carried, which try it was, and its outcome ({@code delivered}, or {@code failed} with the
 * status and why).
 */
public record WebhookDelivery(long id, Long eventId, String messageId, String type, int attempt, String outcome, Integer httpStatus,
                              String error, long durationMillis, Instant at) {}
