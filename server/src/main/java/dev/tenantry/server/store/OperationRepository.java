package dev.tenantry.server.store;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.tenantry.api.model.Operation;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

public final class OperationRepository {
    private static final TypeReference<List<Operation.Step>> STEPS = new TypeReference<>() {};
    private final Handle h;

    OperationRepository(Handle h) {
        this.h = h;
    }

    /** Removes up to {@code limit} finished operations last changed before {@code cutoff} (retention); returns how many. */
    public int deleteFinishedBefore(java.time.Instant cutoff, int limit) {
        return h.createUpdate("delete from operations where id in (select id from operations where state in ('SUCCEEDED', 'FAILED')"
                        + " and updated_at < :cutoff limit :limit)")
                .bind("cutoff", java.sql.Timestamp.from(cutoff)).bind("limit", limit).execute();
    }

    public void insert(Operation op, String instanceUid) {
        insertWrite(op, instanceUid).execute(h);
    }

    public Write insertWrite(Operation op, String instanceUid) {
        return new Write("insert into operations (id, type, tenant, target, instance_uid, state, steps, error, actor, created_at, updated_at)"
                        + " values (:id, :type, :tenant, :target, :uid, :state, cast(:steps as jsonb), :error, :actor, :created, :updated)")
                .bind("id", op.id()).bind("type", op.type()).bind("tenant", op.tenant()).bind("target", op.target())
                .bind("uid", instanceUid).bind("state", op.state().name()).bind("steps", JsonColumns.write(op.steps()))
                .bind("error", op.error()).bind("actor", op.actor()).bind("created", op.createdAt()).bind("updated", op.updatedAt());
    }

    public void update(Operation op) {
        updateWrite(op).execute(h);
    }

    public Write updateWrite(Operation op) {
        return new Write("update operations set state = :state, steps = cast(:steps as jsonb), error = :error, updated_at = :updated where id = :id")
                .bind("id", op.id()).bind("state", op.state().name()).bind("steps", JsonColumns.write(op.steps()))
                .bind("error", op.error()).bind("updated", op.updatedAt());
    }

    public Optional<Operation> get(String id) {
        return h.createQuery("select * from operations where id = :id").bind("id", id).map((rs, c) -> row(rs)).findOne();
    }

    private static final List<String> COLUMNS = List.of("id", "type", "tenant", "target", "state", "steps", "error", "actor", "created_at", "updated_at");

    /** The operation's columns of table alias {@code alias}, each named with {@code prefix} (to read one joined to another row). */
    static String columns(String alias, String prefix) {
        return String.join(", ", COLUMNS.stream().map(c -> alias + "." + c + " as " + prefix + c).toList());
    }

    private static Operation row(ResultSet rs) throws SQLException {
        return row(rs, "");
    }

    /** The operation in the row's columns named with {@code prefix} ({@link #columns}). */
    static Operation row(ResultSet rs, String prefix) throws SQLException {
        return new Operation(rs.getString(prefix + "id"), rs.getString(prefix + "type"), rs.getString(prefix + "tenant"), rs.getString(prefix + "target"),
                Operation.State.valueOf(rs.getString(prefix + "state")), JsonColumns.read(rs, prefix + "steps", STEPS), rs.getString(prefix + "error"),
                rs.getString(prefix + "actor"), JsonColumns.instant(rs, prefix + "created_at"), JsonColumns.instant(rs, prefix + "updated_at"));
    }
}
