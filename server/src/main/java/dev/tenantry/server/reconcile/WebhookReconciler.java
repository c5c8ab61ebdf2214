package dev.tenantry.server.reconcile;

import dev.tenantry.api.model.Event;
import dev.tenantry.api.model.Webhook;
import dev.tenantry.server.keys.SecretBox;
import dev.tenantry.server.store.Leases;
import dev.tenantry.server.store.Store;
import dev.tenantry.server.store.Tx;
import dev.tenantry.server.store.WebhookRepository;
import dev.tenantry.server.webhooks.Payloads;
import dev.tenantry.server.webhooks.StandardWebhooks;
import dev.tenantry.server.webhooks.WebhookSender;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Delivers one subscription's events in outbox order: each pass posts the events after its cursor, one at a time, and
 * moves the cursor past each one its subscriber accepted (or that is not for it) in its own transaction. The first
 * failure ends the pass; the next comes after {@link ReconcileBackoff} of the failures in a row, so a subscriber that
 * was down gets everything afterwards, in order. A message is sent again only when the server stopped between the
 * subscriber's answer and that transaction (its {@code webhook-id} is the same, for the subscriber to tell).
 */
public final class WebhookReconciler implements Reconciler {
    /** How soon a subscription that is caught up looks for new events. */
    static final Duration CAUGHT_UP_RECHECK = Duration.ofSeconds(1);
    private static final int BATCH = 100;

    private final Store store;
    private final SecretBox box;
    private final WebhookSender sender;
    private final Clock clock;

    public WebhookReconciler(Store store, SecretBox box, WebhookSender sender, Clock clock) {
        this.store = store;
        this.box = box;
        this.sender = sender;
        this.clock = clock;
    }

    @Override
    public boolean anyDue(Tx tx) {
        return !tx.leases(Leases.Table.WEBHOOKS).due(1).isEmpty();
    }

    @Override
    public List<String> claimDue(Tx tx, String owner, Duration lease, int limit) {
        return tx.leases(Leases.Table.WEBHOOKS).claimDue(owner, lease, limit);
    }

    @Override
    public boolean extendLease(Tx tx, String id, String owner, Duration lease) {
        return tx.leases(Leases.Table.WEBHOOKS).extend(id, owner, lease);
    }

    @Override
    public int failed(Tx tx, String id, String owner) {
        return tx.leases(Leases.Table.WEBHOOKS).releaseAfterFailure(id, owner, ReconcileBackoff::after);
    }

    @Override
    public Duration reconcile(String id, String owner) {
        WebhookRepository.Stored stored = store.tx(tx -> tx.webhooks().stored(id)).orElse(null);
        if (stored == null) return null;
        Webhook w = stored.webhook();
        List<Event> batch = store.read(tx -> tx.events().after(stored.afterEvent(), w.tenant(), null, BATCH));
        String secret = null;
        long skippedTo = -1;
        int attemptOfFirst = stored.failures() + 1;
        boolean first = true;
        for (Event e : batch) {
            long eventId = Long.parseLong(e.id());
            String body = !dev.tenantry.server.domain.EventTypes.matches(w.types(), e.type()) ? null : w.format() == Webhook.Format.slack ? Payloads.slack(e) : Payloads.cloudEvent(e);
            if (body == null) {
                skippedTo = eventId;
                continue;
            }
            if (secret == null) secret = box.open(stored.sealedSecret(), StandardWebhooks.sealContext(id));
            String messageId = "evt_" + e.id();
            var now = clock.instant();
            WebhookSender.Attempt attempt = sender.send(w.url(), secret, messageId, body,
                    w.format() == Webhook.Format.slack ? "application/json" : Payloads.CLOUDEVENTS_TYPE, now);
            int attemptNumber = first ? attemptOfFirst : 1;
            first = false;
            boolean stillOurs = store.tx(tx -> {
                tx.webhooks().log(id, eventId, messageId, e.type(), attemptNumber, attempt, now);
                if (!attempt.ok()) {
                    tx.webhooks().failed(id, attempt.error());
                    return true;
                }
                return tx.webhooks().advance(id, owner, eventId, true, now);
            });
            if (!attempt.ok()) throw new DeliveryFailed(w.url(), attempt.error());
            if (!stillOurs) return null;
            skippedTo = -1;
        }
        if (skippedTo > 0) {
            long past = skippedTo;
            store.run(tx -> tx.webhooks().advance(id, owner, past, false, clock.instant()));
        }
        Duration next = batch.size() == BATCH ? Duration.ZERO : CAUGHT_UP_RECHECK;
        store.run(tx -> tx.leases(Leases.Table.WEBHOOKS).release(id, owner, next));
        return next;
    }


    /** A subscriber did not accept a message: the pass ends and the next try waits (no stack trace: it is not a bug). */
    static final class DeliveryFailed extends RuntimeException {
        DeliveryFailed(String url, String why) {
            super("webhook delivery to " + url + " failed: " + why, null, false, false);
        }
    }
}
