package dev.tenantry.server.store;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** Join tokens for cells (by hash) and the cut-off times of cells' agents. */
public final class AgentIdentityRepository {
    private final Handle h;

    AgentIdentityRepository(Handle h) {
        this.h = h;
    }

    public record JoinToken(String id, String cell, Instant expiresAt, Instant usedAt) {}

    public void insertJoinToken(String id, String cell, String hash, String createdBy, Instant now, Instant expiresAt) {
        h.createUpdate("insert into join_tokens (id, cell, hash, created_by, created_at, expires_at) values (:id, :cell, :hash, :by, :now, :exp)")
                .bind("id", id).bind("cell", cell).bind("hash", hash).bind("by", createdBy).bind("now", Timestamp.from(now))
                .bind("exp", Timestamp.from(expiresAt)).execute();
    }

    /** The join token with this hash, locked until the transaction ends (so that two uses never both pass). */
    public Optional<JoinToken> lockJoinToken(String hash) {
        return h.createQuery("select id, cell, expires_at, used_at from join_tokens where hash = :hash for update").bind("hash", hash)
                .map((rs, c) -> new JoinToken(rs.getString("id"), rs.getString("cell"), JsonColumns.instant(rs, "expires_at"),
                        JsonColumns.instant(rs, "used_at")))
                .findOne();
    }

    public void markUsed(String id, Instant at) {
        h.createUpdate("update join_tokens set used_at = :at where id = :id").bind("id", id).bind("at", Timestamp.from(at)).execute();
    }

    public void revoke(String cell, Instant at) {
        h.createUpdate("insert into cell_revocations (cell, revoked_at) values (:cell, :at) on conflict (cell) do update set revoked_at = :at")
                .bind("cell", cell).bind("at", Timestamp.from(at)).execute();
    }

    public Optional<Instant> revokedAt(String cell) {
        return h.createQuery("select revoked_at from cell_revocations where cell = :cell").bind("cell", cell)
                .map((rs, c) -> JsonColumns.instant(rs, "revoked_at")).findOne();
    }
}
