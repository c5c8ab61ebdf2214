package dev.tenantry.server.domain;

import dev.tenantry.api.model.Event;
import dev.tenantry.api.model.Page;
import dev.tenantry.api.model.Webhook;
import dev.tenantry.api.model.WebhookCreate;
import dev.tenantry.api.model.WebhookDelivery;
import dev.tenantry.api.validation.Errors;
import dev.tenantry.server.keys.SecretBox;
import dev.tenantry.server.signals.Signals;
import dev.tenantry.server.store.Store;
import dev.tenantry.server.webhooks.Payloads;
import dev.tenantry.server.webhooks.StandardWebhooks;
import dev.tenantry.server.webhooks.WebhookSender;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Webhook subscriptions (provider admins): created with a secret shown once, listed, tested, deleted, with their delivery logs. */
public final class WebhookService {
    public static final int MAX_URL = 2000;

    private final Store store;
    private final SecretBox box;
    private final WebhookSender sender;
    private final Signals signals;
    private final Clock clock;

    public WebhookService(Store store, SecretBox box, WebhookSender sender, Signals signals, Clock clock) {
        this.store = store;
        this.box = box;
        this.sender = sender;
        this.signals = signals;
        this.clock = clock;
    }

    /** Subscribes from now on (events appended after this call); the response carries the secret, never shown again. */
    public Webhook create(Principal who, WebhookCreate request) {
        Errors errors = new Errors();
        checkUrl(errors, request.url());
        List<String> types = request.types() == null || request.types().isEmpty() ? List.of("*") : request.types();
        EventTypes.check(errors, "types", types);
        errors.throwIfAny();
        Webhook.Format format = request.format() == null ? Webhook.Format.cloudevents : request.format();
        String id = Ids.newId("wh", 12);
        String secret = StandardWebhooks.newSecret();
        Webhook webhook = new Webhook(id, request.url(), types, request.tenant(), format, who.actor(), clock.instant(), 0, null, null, 0, null, null);
        store.run(tx -> {
            if (request.tenant() != null && tx.tenants().get(request.tenant()).isEmpty()) {
                throw new NotFoundException("tenant", "no tenant '" + request.tenant() + "'");
            }
            tx.webhooks().insert(webhook, box.seal(secret, StandardWebhooks.sealContext(id)), tx.events().lastId());
            tx.audit().record(who.actor(), "webhook.create", "webhooks/" + id, request.tenant(), "success", request.url() + " " + types);
        });
        signals.fire(Signals.Topic.WEBHOOKS);
        return get(id).withSecret(secret);
    }

    private static void checkUrl(Errors errors, String url) {
        if (url == null || url.isBlank()) {
            errors.add("url", "is required");
            return;
        }
        if (url.length() > MAX_URL) {
            errors.add("url", "must be at most " + MAX_URL + " characters");
            return;
        }
        try {
            URI uri = new URI(url);
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                errors.add("url", "must be an absolute http or https URL");
            } else if (uri.getUserInfo() != null) {
                errors.add("url", "must not carry credentials (the signature authenticates the sender)");
            }
        } catch (java.net.URISyntaxException e) {
            errors.add("url", "is not a URL: " + e.getReason());
        }
    }

    public Page<Webhook> list(String cursor, int limit) {
        return store.tx(tx -> Pages.of(tx.webhooks().list(cursor, limit + 1), limit, Webhook::id));
    }

    public Webhook get(String id) {
        return store.tx(tx -> tx.webhooks().get(id)).orElseThrow(() -> new NotFoundException("id", "no webhook '" + id + "'"));
    }

    public void delete(Principal who, String id) {
        store.run(tx -> {
            if (!tx.webhooks().delete(id)) throw new NotFoundException("id", "no webhook '" + id + "'");
            tx.audit().record(who.actor(), "webhook.delete", "webhooks/" + id, null, "success", null);
        });
    }

    public Page<WebhookDelivery> deliveries(String id, String cursor, int limit) {
        get(id);
        Long before;
        try {
            before = cursor == null ? null : Long.valueOf(cursor);
        } catch (NumberFormatException e) {
            throw new ValidationFailure("cursor", "is not a cursor of this list");
        }
        return store.tx(tx -> Pages.of(tx.webhooks().deliveries(id, before, limit + 1), limit, d -> String.valueOf(d.id())));
    }

    /** Posts a {@code webhook.test} message now, outside the outbox, and answers how it went (also in the delivery log). */
    public WebhookDelivery test(Principal who, String id) {
        var stored = store.tx(tx -> tx.webhooks().stored(id)).orElseThrow(() -> new NotFoundException("id", "no webhook '" + id + "'"));
        Webhook w = stored.webhook();
        Instant now = clock.instant();
        String messageId = Ids.newId("test", 16);
        Event event = new Event("1.0", messageId, "tenantry", "webhook.test", "webhooks/" + id, w.tenant(), now,
                dev.tenantry.api.Json.MAPPER.valueToTree(Map.of("webhook", id, "actor", who.actor(), "message", "a test message from Tenantry")));
        String body = w.format() == Webhook.Format.slack
                ? dev.tenantry.api.Json.write(Map.of("text", ":wave: Test message from Tenantry for webhook " + id + ", sent by " + who.actor()))
                : Payloads.cloudEvent(event);
        WebhookSender.Attempt attempt = sender.send(w.url(), box.open(stored.sealedSecret(), StandardWebhooks.sealContext(id)), messageId, body,
                w.format() == Webhook.Format.slack ? "application/json" : Payloads.CLOUDEVENTS_TYPE, now);
        long delivery = store.tx(tx -> tx.webhooks().log(id, null, messageId, "webhook.test", 1, attempt, now));
        return new WebhookDelivery(delivery, null, messageId, "webhook.test", 1, attempt.ok() ? "delivered" : "failed", attempt.status(), attempt.error(),
                attempt.durationMillis(), now);
    }
}
