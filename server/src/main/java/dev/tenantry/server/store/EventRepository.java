package dev.tenantry.server.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantry.api.model.Event;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * The event outbox: events are appended in the same transaction as the change they describe.
 *
 * <p>Readers follow the outbox by id, so ids must become visible in order: a transaction that
 * appends events first takes the {@link AppendLock}, which makes event-writing transactions commit
 * one after the other from that point. Without it, a reader could see event 106 (committed) before
 * event 105 (still in flight) and skip 105 for good.
 */
public final class EventRepository {
    private final Handle h;
    private final AppendLock appendLock;

    /** One per transaction ({@link Tx#events}), sharing the transaction's append lock. */
    EventRepository(Handle h, AppendLock appendLock) {
        this.h = h;
        this.appendLock = appendLock;
    }

    public void append(String type, String subject, String tenant, Object data) {
        appendLock.take();
        h.createUpdate("insert into events (type, subject, tenant, data) values (:t, :s, :tenant, cast(:d as jsonb))")
                .bind("t", type).bind("s", subject).bind("tenant", tenant).bind("d", JsonColumns.write(data)).execute();
    }

    /** Events after id {@code after}, oldest first; filters are optional (subject matches exactly or as a prefix path). */
    public List<Event> after(long after, String tenant, String subject, int limit) {
        return h.createQuery("select * from events where id > :after and (:tenant::text is null or tenant = :tenant)"
                        + " and (:subject::text is null or subject = :subject or subject like :subject || '/%')"
                        + " order by id limit :limit")
                .bind("after", after).bind("tenant", tenant).bind("subject", subject).bind("limit", limit)
                .map((rs, c) -> new Event("1.0", String.valueOf(rs.getLong("id")), "tenantry", rs.getString("type"),
                        rs.getString("subject"), rs.getString("tenant"), JsonColumns.instant(rs, "time"),
                        JsonColumns.read(rs, "data", JsonNode.class)))
                .list();
    }

    public long lastIdBefore(java.time.Instant time) {
        return h.createQuery("select coalesce(max(id), 0) from events where time < :t").bind("t", time).mapTo(Long.class).one();
    }

    public long lastId() {
        return h.createQuery("select coalesce(max(id), 0) from events").mapTo(Long.class).one();
    }

}
