package dev.tenantry.server.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantry.api.model.Event;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * The event outbox: events are appended in the same transaction as the change they describe, with no lock.
 *
 * <p>Readers must never skip an event: with ids alone, a reader could see event 106 (committed) before event 105
 * (still in flight) and pass 105 for good. So each event carries the id of the transaction that wrote it
 * ({@code tx}, PostgreSQL's {@code pg_current_xact_id()}), and readers take events in {@code (tx, id)} order, only those
 * of transactions below their snapshot's xmin: every such transaction has ended, and any transaction that ends later
 * has a larger id, so its events sort after everything read before. An event's API id stays its {@code id}; a cursor
 * (an event id) is turned into its {@code (tx, id)} place. The cost: a transaction that stays open holds back the
 * delivery of events written after it began (never their writing).
 */
public final class EventRepository {
    private final Handle h;

    /** One per transaction ({@link Tx#events}). */
    EventRepository(Handle h) {
        this.h = h;
    }

    private record Pending(String type, String subject, String tenant, String data) {}

    private final List<Pending> pending = new java.util.ArrayList<>();

    /** Appends an event when the transaction's work is done (in the order of the calls; one batch of inserts). */
    public void append(String type, String subject, String tenant, Object data) {
        pending.add(new Pending(type, subject, tenant, JsonColumns.write(data)));
    }

    /** The inserts of the events appended so far, in their order, which are then no longer pending (an empty list when there are none). */
    List<Write> pendingWrites() {
        List<Object[]> rows = pending.stream().map(e -> new Object[] {e.type(), e.subject(), e.tenant(), e.data()}).toList();
        pending.clear();
        return Write.orderedInserts("events", List.of("type", "subject", "tenant", "data"), List.of("?", "?", "?", "cast(? as jsonb)"), rows);
    }

    /** Transactions below this have all ended: their events are final. */
    private static final String ENDED = "e.tx < pg_snapshot_xmin(pg_current_snapshot())";

    /**
     * Events after the event with id {@code after} (0: from the first; an id no longer kept: from the oldest kept) in
     * outbox order, those of ended transactions only; filters are optional (subject matches exactly or as a prefix path).
     */
    public List<Event> after(long after, String tenant, String subject, int limit) {
        return scan(after, tenant, subject, null, limit).events();
    }

    /**
     * What a read of up to {@code scanned} events found: those of the types asked for, and the id of the last event read
     * (the cursor to read on from: past the events of other types, so that a stream of a rare type does not read the
     * same ones again at each look).
     */
    public record Scan(List<Event> events, long lastId, int scanned) {}

    /**
     * Reads up to {@code limit} events after {@code after} as {@link #after} does and keeps those of {@code typePatterns}
     * (SQL {@code LIKE} patterns; null: every type); the data of the others is not read.
     */
    public Scan scan(long after, String tenant, String subject, String[] typePatterns, int limit) {
        String wanted = "(cast(:types as text[]) is null or e.type like any(cast(:types as text[])))";
        List<ScannedRow> rows = h.createQuery("select e.id, e.type, e.subject, e.tenant, e.time, case when " + wanted + " then e.data end as data"
                        + " from events e where (e.tx, e.id) > (coalesce((select c.tx from events c where c.id = :after), '0'::xid8), :after)"
                        + " and " + ENDED + " and (:tenant::text is null or e.tenant = :tenant)"
                        + " and (:subject::text is null or e.subject = :subject or e.subject like :subject || '/%')"
                        + " order by e.tx, e.id limit :limit")
                .bind("after", after).bind("tenant", tenant).bind("subject", subject).bind("types", typePatterns).bind("limit", limit)
                .map((rs, c) -> new ScannedRow(rs.getLong("id"), rs.getString("data") == null ? null : new Event("1.0", String.valueOf(rs.getLong("id")),
                        "tenantry", rs.getString("type"), rs.getString("subject"), rs.getString("tenant"), JsonColumns.instant(rs, "time"),
                        JsonColumns.read(rs, "data", JsonNode.class))))
                .list();
        List<Event> events = rows.stream().map(ScannedRow::event).filter(java.util.Objects::nonNull).toList();
        return new Scan(events, rows.isEmpty() ? after : rows.getLast().id(), rows.size());
    }

    /** One event read by {@link #scan}: null when it is not of the types asked for. */
    private record ScannedRow(long id, Event event) {}

    /** The last final event appended before {@code time} in outbox order (0: none): a cursor that replays what came since. */
    public long lastIdBefore(java.time.Instant time) {
        return h.createQuery("select e.id from events e where e.time < :t and " + ENDED + " order by e.tx desc, e.id desc limit 1")
                .bind("t", time).mapTo(Long.class).findOne().orElse(0L);
    }

    /**
     * The last final event in outbox order (0: none): a cursor for what comes next. Events of transactions still open
     * come after it, even those that wrote before a later one committed.
     */
    public long lastId() {
        return h.createQuery("select e.id from events e where " + ENDED + " order by e.tx desc, e.id desc limit 1").mapTo(Long.class)
                .findOne().orElse(0L);
    }

    /**
     * Removes up to {@code limit} events older than {@code age}, but those a webhook has yet to pass (after its place in
     * the outbox; all of them while a webhook has no place yet) until they are older than {@code maxAge}; returns how
     * many. A webhook's own place (the event it passed last) stays while it is its place.
     */
    public int deleteOlderThan(java.time.Duration age, java.time.Duration maxAge, int limit) {
        return h.createUpdate("with floor as (select c.tx, c.id from webhooks w join events c on c.id = w.after_event order by c.tx, c.id limit 1),"
                        + " unplaced as (select count(*) as n from webhooks w where not exists (select 1 from events c where c.id = w.after_event))"
                        + " delete from events where id in (select e.id from events e where"
                        + " (e.time < now() - cast(:age as interval) and (select n from unplaced) = 0"
                        + "  and (not exists (select 1 from floor) or (e.tx, e.id) < (select f.tx, f.id from floor f)))"
                        + " or e.time < now() - cast(:maxAge as interval) limit :limit)")
                .bind("age", age.toSeconds() + " seconds").bind("maxAge", maxAge.toSeconds() + " seconds").bind("limit", limit).execute();
    }
}
