package dev.tenantry.api.model;

import java.util.List;

/** A new subscription: {@code types} default to every event ({@code *}), {@code format} to {@code cloudevents}. */
public record WebhookCreate(String url, List<String> types, String tenant, Webhook.Format format) {}
