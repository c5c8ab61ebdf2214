package dev.tenantry.server.store;

import dev.tenantry.api.model.MaintenanceWindow;
import dev.tenantry.api.model.Tenant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

public final class TenantRepository {
    private static final com.fasterxml.jackson.core.type.TypeReference<Map<String, String>> LABELS = new com.fasterxml.jackson.core.type.TypeReference<>() { };
    private final Handle h;

    TenantRepository(Handle h) {
        this.h = h;
    }

    public void insert(String id, String name, Map<String, String> labels, MaintenanceWindow window) {
        h.createUpdate("insert into tenants (id, name, labels, maintenance_window) values (:id, :name, cast(:l as jsonb), cast(:w as jsonb))")
                .bind("id", id).bind("name", name).bind("l", JsonColumns.write(labels == null ? Map.of() : labels))
                .bind("w", window == null ? null : JsonColumns.write(window)).execute();
    }

    public void setLabels(String id, Map<String, String> labels) {
        h.createUpdate("update tenants set labels = cast(:l as jsonb), version = version + 1 where id = :id").bind("id", id).bind("l", JsonColumns.write(labels)).execute();
    }

    /** Sets the tenant's maintenance window (null: upgrades at any time). */
    public void setMaintenanceWindow(String id, MaintenanceWindow window) {
        h.createUpdate("update tenants set maintenance_window = cast(:w as jsonb), version = version + 1 where id = :id").bind("id", id)
                .bind("w", window == null ? null : JsonColumns.write(window)).execute();
    }

    public Optional<Tenant> get(String id) {
        return h.createQuery("select * from tenants where id = :id").bind("id", id)
                .map((rs, ctx) -> row(rs))
                .findOne();
    }

    /** Tenants with id after {@code after}, in id order; {@code only} restricts to one tenant. */
    public List<Tenant> list(String after, int limit, String only) {
        return h.createQuery("select * from tenants where id > :after and (:only::text is null or id = :only) order by id limit :limit")
                .bind("after", after == null ? "" : after).bind("only", only).bind("limit", limit)
                .map((rs, ctx) -> row(rs))
                .list();
    }

    private static Tenant row(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Tenant(rs.getString("id"), rs.getString("name"), JsonColumns.read(rs, "labels", LABELS),
                JsonColumns.read(rs, "maintenance_window", MaintenanceWindow.class),
                JsonColumns.instant(rs, "created_at"), JsonColumns.read(rs, "quota", dev.tenantry.api.model.Quota.class),
                Tenant.etag(JsonColumns.instant(rs, "created_at"), rs.getLong("version")));
    }

    /** Sets (null: clears) the tenant's own quota. */
    public void setQuota(String id, dev.tenantry.api.model.Quota quota) {
        h.createUpdate("update tenants set quota = cast(:q as jsonb), version = version + 1 where id = :id").bind("id", id)
                .bind("q", quota == null ? null : dev.tenantry.api.Json.write(quota)).execute();
    }

    /**
     * The tenant, its row locked until the transaction ends: quota checks of one tenant follow one another. {@code no
     * key update}, which foreign-key checks (an event, an audit record or an instance of the tenant) do not wait for.
     */
    public java.util.Optional<Tenant> lock(String id) {
        return h.createQuery("select * from tenants where id = :id for no key update").bind("id", id).map((rs, ctx) -> row(rs)).findOne();
    }

    public boolean delete(String id) {
        return h.createUpdate("delete from tenants where id = :id").bind("id", id).execute() > 0;
    }
}
