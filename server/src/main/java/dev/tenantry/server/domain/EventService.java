package dev.tenantry.server.domain;

import dev.tenantry.api.model.Event;
import dev.tenantry.server.store.Store;
import java.time.Duration;
import java.util.List;

/** Reads the event outbox for streams, waking on in-process signals and re-checking on a timer. */
public final class EventService {
    private final Store store;
    private final Signals signals;

    public EventService(Store store, Signals signals) {
        this.store = store;
        this.signals = signals;
    }

    public long lastId() {
        return store.tx(tx -> tx.events().lastId());
    }

    /** Events after {@code afterId} visible to the caller, waiting up to {@code maxWait} for the first. */
    public List<Event> next(Principal who, long afterId, String tenant, String subject, Duration maxWait) throws InterruptedException {
        String scope = who.tenant() != null ? who.tenant() : tenant;
        if (tenant != null && !who.canSeeTenant(tenant)) throw new NotFoundException("tenant", "no tenant '" + tenant + "'");
        long mark = signals.mark(Signals.Topic.EVENTS);
        List<Event> events = store.tx(tx -> tx.events().after(afterId, scope, subject, 500));
        if (!events.isEmpty()) return events;
        signals.await(Signals.Topic.EVENTS, mark, maxWait);
        return store.tx(tx -> tx.events().after(afterId, scope, subject, 500));
    }
}
