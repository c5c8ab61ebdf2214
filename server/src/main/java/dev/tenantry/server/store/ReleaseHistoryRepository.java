package dev.tenantry.server.store;

import dev.tenantry.api.model.Operation;
import dev.tenantry.api.model.ReleaseChange;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Handle;

/** The releases each instance was moved to, with the operation that moved it. */
public final class ReleaseHistoryRepository {
    private final Handle h;

    ReleaseHistoryRepository(Handle h) {
        this.h = h;
    }

    /** Appends a move of the instance to {@code release} (from {@code fromRelease}; null at its creation). */
    public void record(String instanceUid, String release, String fromRelease, String operation, String actor, Instant at) {
        recordWrite(instanceUid, release, fromRelease, operation, actor, at).execute(h);
    }

    /** The write of {@link #record}, to send later ({@code Tx.atCommit}; at most one per instance and transaction). */
    public Write recordWrite(String instanceUid, String release, String fromRelease, String operation, String actor, Instant at) {
        return new Write("insert into instance_releases (instance_uid, seq, release, from_release, operation, actor, at) values (:uid,"
                        + " (select coalesce(max(seq), -1) + 1 from instance_releases where instance_uid = :uid), :release, :from, :op, :actor, :at)")
                .bind("uid", instanceUid).bind("release", release).bind("from", fromRelease).bind("op", operation).bind("actor", actor)
                .bind("at", Timestamp.from(at));
    }

    /** The instance's moves, newest first, each with its operation's type and state and, once it is over, when it ended. */
    public List<ReleaseChange> list(String instanceUid) {
        return h.createQuery("select r.*, o.type, o.state, o.updated_at from instance_releases r left join operations o on o.id = r.operation"
                        + " where r.instance_uid = :uid order by r.seq desc")
                .bind("uid", instanceUid)
                .map((rs, c) -> {
                    Operation.State state = rs.getString("state") == null ? null : Operation.State.valueOf(rs.getString("state"));
                    Instant ended = state != null && state.isDone() ? JsonColumns.instant(rs, "updated_at") : null;
                    return new ReleaseChange(rs.getString("release"), rs.getString("from_release"), rs.getString("type"), rs.getString("operation"),
                            state, rs.getString("actor"), JsonColumns.instant(rs, "at"), ended);
                }).list();
    }
}
