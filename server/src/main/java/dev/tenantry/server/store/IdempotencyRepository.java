package dev.tenantry.server.store;

import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** Idempotency keys of creates, claimed and completed in the create's own transaction. */
public final class IdempotencyRepository {
    public record Entry(String requestHash, String instanceUid, String operationId) {}

    private final Handle h;

    IdempotencyRepository(Handle h) {
        this.h = h;
    }

    /**
     * Claims the key for this transaction; false when it was used before. A concurrent transaction with the same
     * key waits here until this one ends, then sees it as used (or claims it, if this one rolled back).
     */
    public boolean claim(String scope, String key, String requestHash) {
        return h.createUpdate("insert into idempotency_keys (scope, key, request_hash) values (:s, :k, :h) on conflict do nothing")
                .bind("s", scope).bind("k", key).bind("h", requestHash).execute() == 1;
    }

    public Optional<Entry> find(String scope, String key) {
        return h.createQuery("select request_hash, instance_uid, operation_id from idempotency_keys where scope = :s and key = :k")
                .bind("s", scope).bind("k", key)
                .map((rs, c) -> new Entry(rs.getString("request_hash"), rs.getString("instance_uid"), rs.getString("operation_id")))
                .findOne();
    }

    /** Forgets the keys claimed before {@code cutoff}; returns how many. */
    public int expireBefore(java.time.Instant cutoff) {
        return h.createUpdate("delete from idempotency_keys where created_at < :cutoff").bind("cutoff", cutoff).execute();
    }

    public void complete(String scope, String key, String instanceUid, String operationId) {
        h.createUpdate("update idempotency_keys set instance_uid = :u, operation_id = :o where scope = :s and key = :k")
                .bind("s", scope).bind("k", key).bind("u", instanceUid).bind("o", operationId).execute();
    }
}
