package dev.tenantry.server.store;

import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** Idempotency keys of creates, claimed and completed in the create's own transaction. */
public final class IdempotencyRepository {
    public record Entry(String requestHash, String instanceUid, String operationId) {}

    /**
     * A request's kept answer (status 0: not answered yet), claimed at {@code claimedAt}; {@code doneAt}: when a
     * transaction of its work committed (null: none yet).
     */
    public record Answer(String requestHash, int status, java.util.Map<String, String> headers, String body, java.time.Instant claimedAt,
                         java.time.Instant doneAt) {}

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

    /** The claim of a generic request with its kept answer, if the key was used. */
    public Optional<Answer> answer(String scope, String key) {
        return h.createQuery("select request_hash, response_status, response_headers, response_body, created_at, done_at from idempotency_keys"
                        + " where scope = :s and key = :k")
                .bind("s", scope).bind("k", key)
                .map((rs, c) -> new Answer(rs.getString("request_hash"), rs.getInt("response_status"),
                        JsonColumns.read(rs, "response_headers", HEADERS), rs.getString("response_body"), JsonColumns.instant(rs, "created_at"),
                        JsonColumns.instant(rs, "done_at")))
                .findOne();
    }

    /**
     * Notes the claimed request as carried out if this transaction wrote anything (it has a transaction id): in the
     * same commit as its work. A transaction that only read writes nothing here either.
     */
    public void markDoneIfWritten(String scope, String key) {
        h.createUpdate("update idempotency_keys set done_at = now() where scope = :s and key = :k and done_at is null"
                        + " and pg_current_xact_id_if_assigned() is not null")
                .bind("s", scope).bind("k", key).execute();
    }

    /** Claims again a key whose request never got an answer recorded since {@code before} (its server died); true if it did. */
    public boolean reclaim(String scope, String key, String requestHash, java.time.Instant before, java.time.Instant now) {
        return h.createUpdate("update idempotency_keys set created_at = :now where scope = :s and key = :k and request_hash = :h"
                        + " and response_status is null and done_at is null and created_at < :before")
                .bind("s", scope).bind("k", key).bind("h", requestHash).bind("before", before).bind("now", now).execute() == 1;
    }

    public void answer(String scope, String key, int status, java.util.Map<String, String> headers, String body) {
        h.createUpdate("update idempotency_keys set response_status = :st, response_headers = cast(:hd as jsonb), response_body = :b"
                        + " where scope = :s and key = :k")
                .bind("s", scope).bind("k", key).bind("st", status).bind("hd", JsonColumns.write(headers)).bind("b", body).execute();
    }

    /** Forgets a claim whose request failed, so that the key can be used again. */
    public void release(String scope, String key) {
        h.createUpdate("delete from idempotency_keys where scope = :s and key = :k and response_status is null").bind("s", scope).bind("k", key).execute();
    }

    private static final com.fasterxml.jackson.core.type.TypeReference<java.util.Map<String, String>> HEADERS = new com.fasterxml.jackson.core.type.TypeReference<>() { };
}
