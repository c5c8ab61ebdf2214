package dev.tenantry.server.domain;

import dev.tenantry.api.model.Event;
import dev.tenantry.server.signals.Signals;
import dev.tenantry.server.store.EventRepository;
import dev.tenantry.server.store.Store;
import java.time.Duration;
import java.util.List;

/** Reads the event outbox for streams, waking on in-process signals and re-checking on a timer. */
public final class EventService {
    private static final int BATCH = 500;
    private final Store store;
    private final Signals signals;

    public EventService(Store store, Signals signals) {
        this.store = store;
        this.signals = signals;
    }

    public long lastId() {
        return store.read(tx -> tx.events().lastId());
    }

    /** The id of the last event appended before {@code time}: a stream from there replays what happened since. */
    public long lastIdBefore(java.time.Instant time) {
        return store.read(tx -> tx.events().lastIdBefore(time));
    }

    /**
     * A stream's position in the outbox: events after {@code afterId} visible to {@code who}, optionally filtered by tenant,
     * subject and {@code types} ({@link EventTypes}; empty: every type; a bad one is a 400 naming {@code type}).
     */
    public Feed follow(Principal who, long afterId, String tenant, String subject, List<String> types) {
        EventTypes.requireValid("type", types);
        if (tenant != null && !who.canSeeTenant(tenant)) throw new NotFoundException("tenant", "no tenant '" + tenant + "'");
        return new Feed(who.tenant() != null ? who.tenant() : tenant, subject, types.isEmpty() ? null : EventTypes.likePatterns(types), afterId);
    }

    /**
     * One stream's cursor. It reads the outbox once per wake: when nothing was appended in this process since its last
     * read (a full batch aside), it waits first; events other server replicas append are read at the latest when the
     * wait times out.
     */
    public final class Feed {
        private final String tenant;
        private final String subject;
        private final String[] typePatterns;
        private long afterId;
        private long readAtMark = -1;
        private boolean behind = true;

        private Feed(String tenant, String subject, String[] typePatterns, long afterId) {
            this.tenant = tenant;
            this.subject = subject;
            this.typePatterns = typePatterns;
            this.afterId = afterId;
        }

        /** The next events, waiting up to {@code maxWait} for some to be appended; empty when none were. */
        public List<Event> next(Duration maxWait) throws InterruptedException {
            if (!behind) signals.await(Signals.Topic.EVENTS, readAtMark, maxWait);
            readAtMark = signals.mark(Signals.Topic.EVENTS);
            // one statement, outside a transaction (which would add only its BEGIN and COMMIT): what it reads is final either way
            EventRepository.Scan scan = store.read(tx -> tx.events().scan(afterId, tenant, subject, typePatterns, BATCH));
            afterId = scan.lastId();
            behind = scan.scanned() == BATCH;
            return scan.events();
        }
    }
}
