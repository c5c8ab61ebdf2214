package dev.tenantry.server.store;

import dev.tenantry.api.model.AuditEntry;
import java.util.List;
import org.jdbi.v3.core.Handle;

public final class AuditRepository {
    private final Handle h;

    AuditRepository(Handle h) {
        this.h = h;
    }

    public void record(String actor, String action, String target, String tenant, String result, String detail) {
        h.createUpdate("insert into audit (actor, action, target, tenant, result, detail) values (:a, :ac, :t, :tenant, :r, :d)")
                .bind("a", actor).bind("ac", action).bind("t", target).bind("tenant", tenant).bind("r", result).bind("d", detail)
                .execute();
    }

    /** Newest first, with ids below {@code before} (0: from the newest). */
    public List<AuditEntry> list(String tenant, long before, int limit) {
        return h.createQuery("select * from audit where (:tenant::text is null or tenant = :tenant)"
                        + " and (:before = 0 or id < :before) order by id desc limit :limit")
                .bind("tenant", tenant).bind("before", before).bind("limit", limit)
                .map((rs, c) -> new AuditEntry(rs.getLong("id"), JsonColumns.instant(rs, "time"), rs.getString("actor"),
                        rs.getString("action"), rs.getString("target"), rs.getString("tenant"), rs.getString("result"),
                        rs.getString("detail")))
                .list();
    }
}
