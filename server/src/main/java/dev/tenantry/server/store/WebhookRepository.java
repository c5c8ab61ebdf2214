package dev.tenantry.server.store;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.tenantry.api.model.Webhook;
import dev.tenantry.api.model.WebhookDelivery;
import dev.tenantry.server.webhooks.WebhookSender;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** Webhook subscriptions with their outbox cursors, and their delivery logs. */
public final class WebhookRepository {
    /** How many deliveries are kept per subscription. */
    public static final int KEPT_DELIVERIES = 1000;
    private final Handle h;

    WebhookRepository(Handle h) {
        this.h = h;
    }

    /** A subscription as its worker needs it: the sealed secret and the last event it got past. */
    public record Stored(Webhook webhook, byte[] sealedSecret, long afterEvent, int failures) {}

    public void insert(Webhook w, byte[] sealedSecret, long afterEvent) {
        h.createUpdate("insert into webhooks (id, url, types, tenant, format, secret, after_event, created_by, created_at, reconcile_at)"
                        + " values (:id, :url, cast(:types as jsonb), :tenant, :format, :secret, :after, :by, :at, now())")
                .bind("id", w.id()).bind("url", w.url()).bind("types", JsonColumns.write(w.types())).bind("tenant", w.tenant())
                .bind("format", w.format().name()).bind("secret", sealedSecret).bind("after", afterEvent).bind("by", w.createdBy())
                .bind("at", w.createdAt()).execute();
    }

    public Optional<Webhook> get(String id) {
        return h.createQuery("select * from webhooks where id = :id").bind("id", id).map((rs, c) -> row(rs)).findOne();
    }

    public Optional<Stored> stored(String id) {
        return h.createQuery("select * from webhooks where id = :id").bind("id", id)
                .map((rs, c) -> new Stored(row(rs), rs.getBytes("secret"), rs.getLong("after_event"), rs.getInt("reconcile_failures"))).findOne();
    }

    public List<Webhook> list(String afterId, int limit) {
        return h.createQuery("select * from webhooks where (:after::text is null or id > :after) order by id limit :limit")
                .bind("after", afterId).bind("limit", limit).map((rs, c) -> row(rs)).list();
    }

    public boolean delete(String id) {
        return h.createUpdate("delete from webhooks where id = :id").bind("id", id).execute() > 0;
    }

    /** The worker holding the lease moved the cursor past {@code eventId} (delivered, or not for this subscription). */
    public boolean advance(String id, String owner, long eventId, boolean delivered, Instant now) {
        // events come in outbox order, not id order: the cursor is the last one passed, whatever its id
        return h.createUpdate("update webhooks set after_event = :event,"
                        + " delivered = delivered + case when :delivered then 1 else 0 end,"
                        + " last_delivered_at = case when :delivered then :now else last_delivered_at end,"
                        + " last_error = case when :delivered then null else last_error end, reconcile_failures = case when :delivered then 0 else reconcile_failures end"
                        + " where id = :id and lease_owner = :owner")
                .bind("id", id).bind("owner", owner).bind("event", eventId).bind("delivered", delivered).bind("now", now).execute() == 1;
    }

    /** Removes up to {@code limit} delivery logs older than {@code age} (retention); returns how many. */
    public int deleteDeliveriesOlderThan(java.time.Duration age, int limit) {
        return h.createUpdate("delete from webhook_deliveries where id in (select id from webhook_deliveries"
                        + " where at < now() - cast(:age as interval) limit :limit)")
                .bind("age", age.toSeconds() + " seconds").bind("limit", limit).execute();
    }

    public void failed(String id, String error) {
        h.createUpdate("update webhooks set last_error = :error where id = :id").bind("id", id).bind("error", error).execute();
    }

    /** Logs a try; returns its delivery id. */
    public long log(String webhookId, Long eventId, String messageId, String type, int attempt, WebhookSender.Attempt a, Instant at) {
        long id = h.createUpdate("insert into webhook_deliveries (webhook_id, event_id, message_id, type, attempt, outcome, http_status, error, duration_ms, at)"
                        + " values (:w, :e, :m, :t, :attempt, :outcome, :status, :error, :ms, :at)")
                .bind("w", webhookId).bind("e", eventId).bind("m", messageId).bind("t", type).bind("attempt", attempt)
                .bind("outcome", a.ok() ? "delivered" : "failed").bind("status", a.status()).bind("error", a.error()).bind("ms", a.durationMillis())
                .bind("at", at).executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
        // the log is trimmed every hundredth try, so it holds between KEPT_DELIVERIES and a hundred more
        if (id % 100 == 0) {
            h.createUpdate("delete from webhook_deliveries where webhook_id = :w and id <= (select id from webhook_deliveries where webhook_id = :w"
                    + " order by id desc offset :keep limit 1)").bind("w", webhookId).bind("keep", KEPT_DELIVERIES).execute();
        }
        return id;
    }

    /** Newest first, before the delivery id {@code beforeId} (null: from the newest). */
    public List<WebhookDelivery> deliveries(String webhookId, Long beforeId, int limit) {
        return h.createQuery("select * from webhook_deliveries where webhook_id = :w and (:before::bigint is null or id < :before)"
                        + " order by id desc limit :limit")
                .bind("w", webhookId).bind("before", beforeId).bind("limit", limit)
                .map((rs, c) -> new WebhookDelivery(rs.getLong("id"), (Long) rs.getObject("event_id"), rs.getString("message_id"), rs.getString("type"),
                        rs.getInt("attempt"), rs.getString("outcome"), (Integer) rs.getObject("http_status"), rs.getString("error"),
                        rs.getLong("duration_ms"), JsonColumns.instant(rs, "at")))
                .list();
    }

    private static Webhook row(ResultSet rs) throws SQLException {
        int failures = rs.getInt("reconcile_failures");
        return new Webhook(rs.getString("id"), rs.getString("url"), JsonColumns.read(rs, "types", new TypeReference<List<String>>() {}),
                rs.getString("tenant"), Webhook.Format.valueOf(rs.getString("format")), rs.getString("created_by"), JsonColumns.instant(rs, "created_at"),
                rs.getLong("delivered"), JsonColumns.instant(rs, "last_delivered_at"), rs.getString("last_error"), failures,
                failures > 0 ? JsonColumns.instant(rs, "reconcile_at") : null, null);
    }
}
