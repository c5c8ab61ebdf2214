package dev.tenantry.server.store;

import dev.tenantry.api.model.Tenant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

public final class TenantRepository {
    private final Handle h;

    TenantRepository(Handle h) {
        this.h = h;
    }

    public void insert(String id, String name) {
        h.createUpdate("insert into tenants (id, name) values (:id, :name)").bind("id", id).bind("name", name).execute();
    }

    public Optional<Tenant> get(String id) {
        return h.createQuery("select * from tenants where id = :id").bind("id", id)
                .map((rs, ctx) -> new Tenant(rs.getString("id"), rs.getString("name"), JsonColumns.instant(rs, "created_at")))
                .findOne();
    }

    /** Tenants with id after {@code after}, in id order; {@code only} restricts to one tenant. */
    public List<Tenant> list(String after, int limit, String only) {
        return h.createQuery("select * from tenants where id > :after and (:only::text is null or id = :only) order by id limit :limit")
                .bind("after", after == null ? "" : after).bind("only", only).bind("limit", limit)
                .map((rs, ctx) -> new Tenant(rs.getString("id"), rs.getString("name"), JsonColumns.instant(rs, "created_at")))
                .list();
    }

    public boolean delete(String id) {
        return h.createUpdate("delete from tenants where id = :id").bind("id", id).execute() > 0;
    }
}
