package dev.tenantry.server.store;

import dev.tenantry.api.blueprint.Blueprint;
import dev.tenantry.api.blueprint.Resources;
import dev.tenantry.api.model.Plan;
import dev.tenantry.api.model.Release;
import dev.tenantry.api.model.Service;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** Services, their immutable releases and their plans (those two read through the store's {@link CatalogCache}). */
public final class CatalogRepository {
    private static final String SERVICE_SELECT = "select s.*, (select version from releases r where r.service = s.name"
            + " order by seq desc limit 1) as latest from services s";
    /** Whether the row was written by this very transaction (then it may yet be rolled back: not cached). */
    private static final String OWN_ROW = "(xmin = pg_current_xact_id_if_assigned()::xid) is true as own_row";
    private final Handle h;
    private final CatalogCache cache;

    CatalogRepository(Handle h, CatalogCache cache) {
        this.h = h;
        this.cache = cache;
    }

    public void insertService(String name, String description) {
        h.createUpdate("insert into services (name, description) values (:n, :d)").bind("n", name).bind("d", description).execute();
    }

    public Optional<Service> service(String name) {
        return h.createQuery(SERVICE_SELECT + " where s.name = :n").bind("n", name).map((rs, c) -> service(rs)).findOne();
    }

    public List<Service> services() {
        return h.createQuery(SERVICE_SELECT + " order by s.name").map((rs, c) -> service(rs)).list();
    }

    public void insertRelease(String service, String version, Blueprint blueprint) {
        h.createUpdate("insert into releases (service, version, blueprint) values (:s, :v, cast(:b as jsonb))")
                .bind("s", service).bind("v", version).bind("b", JsonColumns.write(blueprint)).execute();
    }

    public Optional<Release> release(String service, String version) {
        return throughCache(cache.release(service, version), "select *, " + OWN_ROW + " from releases where service = :s and version = :n",
                service, version, CatalogRepository::release, cache::keep);
    }

    private interface Row<T> {
        T read(ResultSet rs) throws SQLException;
    }

    /** The cached row, else the one read (and kept, when another transaction wrote it); {@code sql} binds {@code :s} and {@code :n}. */
    private <T> Optional<T> throughCache(Optional<T> cached, String sql, String service, String name, Row<T> row,
                                         java.util.function.Consumer<T> keep) {
        if (cached.isPresent()) return cached;
        return h.createQuery(sql).bind("s", service).bind("n", name).map((rs, c) -> {
            T read = row.read(rs);
            if (!rs.getBoolean("own_row")) keep.accept(read);
            return read;
        }).findOne();
    }

    /** Whether release {@code a} of the service was created before release {@code b}. */
    public boolean isOlder(String service, String a, String b) {
        return h.createQuery("select (select seq from releases where service = :s and version = :a)"
                        + " < (select seq from releases where service = :s and version = :b)")
                .bind("s", service).bind("a", a).bind("b", b).mapTo(Boolean.class).findOne().orElse(false);
    }

    public List<Release> releases(String service) {
        return h.createQuery("select * from releases where service = :s order by seq desc").bind("s", service)
                .map((rs, c) -> release(rs)).list();
    }

    public void insertPlan(Plan plan) {
        Resources size = plan.size() == null ? new Resources(null, null) : plan.size();
        Resources max = plan.maxSize() == null ? new Resources(null, null) : plan.maxSize();
        h.createUpdate("insert into plans (service, name, isolation, replicas, memory_mb, cpu_millis, max_replicas, max_memory_mb,"
                        + " max_cpu_millis, hibernate_after_seconds, retention_seconds, price_per_hour, tenant_quota, https_only, database)"
                        + " values (:s, :n, :i, :r, :m, :c, :maxr, :maxm, :maxc, :hib, :ret, :p, cast(:q as jsonb), :https, cast(:db as jsonb))")
                .bind("s", plan.service()).bind("n", plan.name()).bind("i", plan.isolation().name())
                .bind("r", plan.replicas()).bind("m", size.memoryMb()).bind("c", size.cpuMillis())
                .bind("maxr", plan.maxReplicas()).bind("maxm", max.memoryMb()).bind("maxc", max.cpuMillis())
                .bind("hib", plan.hibernateAfterSeconds()).bind("ret", plan.retentionSeconds())
                .bind("p", plan.pricePerHour()).bind("q", plan.tenantQuota() == null ? null : dev.tenantry.api.Json.write(plan.tenantQuota()))
                .bind("https", plan.redirectsToHttps()).bind("db", JsonColumns.write(plan.database())).execute();
    }

    public Optional<Plan> plan(String service, String name) {
        return throughCache(cache.plan(service, name), "select *, " + OWN_ROW + " from plans where service = :s and name = :n",
                service, name, CatalogRepository::plan, cache::keep);
    }

    public List<Plan> plans(String service) {
        return h.createQuery("select * from plans where service = :s order by name").bind("s", service).map((rs, c) -> plan(rs)).list();
    }

    private static Service service(ResultSet rs) throws SQLException {
        return new Service(rs.getString("name"), rs.getString("description"), rs.getString("latest"), JsonColumns.instant(rs, "created_at"));
    }

    private static Release release(ResultSet rs) throws SQLException {
        return new Release(rs.getString("service"), rs.getString("version"), JsonColumns.read(rs, "blueprint", Blueprint.class),
                JsonColumns.instant(rs, "created_at"));
    }

    private static Plan plan(ResultSet rs) throws SQLException {
        return new Plan(rs.getString("service"), rs.getString("name"), Plan.Isolation.valueOf(rs.getString("isolation")),
                (Integer) rs.getObject("replicas"),
                new Resources((Integer) rs.getObject("memory_mb"), (Integer) rs.getObject("cpu_millis")),
                (Integer) rs.getObject("max_replicas"),
                new Resources((Integer) rs.getObject("max_memory_mb"), (Integer) rs.getObject("max_cpu_millis")),
                (Integer) rs.getObject("hibernate_after_seconds"), (Integer) rs.getObject("retention_seconds"),
                rs.getBigDecimal("price_per_hour"), JsonColumns.instant(rs, "created_at"),
                JsonColumns.read(rs, "tenant_quota", dev.tenantry.api.model.Quota.class), rs.getBoolean("https_only") ? Boolean.TRUE : null,
                JsonColumns.read(rs, "database", dev.tenantry.api.model.PlanDatabase.class));
    }
}
