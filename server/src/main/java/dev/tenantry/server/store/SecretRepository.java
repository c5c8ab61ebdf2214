package dev.tenantry.server.store;

import dev.tenantry.api.model.SecretInfo;
import dev.tenantry.api.model.SecretInfo.SecretVersion;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** Secret versions, their values encrypted by the caller; a retired version keeps its row without its value. */
public final class SecretRepository {
    private final Handle h;

    SecretRepository(Handle h) {
        this.h = h;
    }

    /** A live instance whose deployment uses a secret. */
    public record User(String uid, String tenant, String name, String service) {}

    /**
     * The live instances whose deployment is given the secret {@code name}: of {@code tenant} (null: any), of
     * {@code service} (null: any).
     */
    public List<User> instancesUsing(String name, String tenant, String service) {
        return h.createQuery("select uid, tenant, name, spec->>'service' as service from instances where phase not in ('DELETED', 'PURGED')"
                        + " and deployment is not null and jsonb_exists(coalesce(deployment->'secrets', '{}'::jsonb), :name)"
                        + " and (:tenant::text is null or tenant = :tenant) and (:service::text is null or spec->>'service' = :service)")
                .bind("name", name).bind("tenant", tenant).bind("service", service)
                .map((rs, c) -> new User(rs.getString("uid"), rs.getString("tenant"), rs.getString("name"), rs.getString("service")))
                .list();
    }

    /** A secret's current version and its encrypted value. */
    public record Sealed(String scope, String name, int version, byte[] value) {}

    /**
     * Adds the next version of the secret and retires (erases the value of) the one before; returns the new version. The
     * secret's row lock orders two concurrent sets.
     */
    public int setNext(String scope, String name, String createdBy, Instant now, java.util.function.IntFunction<byte[]> sealVersion) {
        List<Integer> current = h.createQuery("select version from secrets where scope = :scope and name = :name order by version desc for update")
                .bind("scope", scope).bind("name", name).mapTo(Integer.class).list();
        int version = current.isEmpty() ? 1 : current.getFirst() + 1;
        retire(scope, name, now);
        h.createUpdate("insert into secrets (scope, name, version, created, created_by, value) values (:scope, :name, :v, :now, :by, :value)")
                .bind("scope", scope).bind("name", name).bind("v", version).bind("now", Timestamp.from(now)).bind("by", createdBy)
                .bind("value", sealVersion.apply(version)).execute();
        return version;
    }

    /** Retires the secret's current version, if any: its value is erased, its row stays in the history; true if there was one. */
    public boolean retire(String scope, String name, Instant now) {
        return h.createUpdate("update secrets set retired = :now, value = null where scope = :scope and name = :name and retired is null")
                .bind("scope", scope).bind("name", name).bind("now", Timestamp.from(now)).execute() > 0;
    }

    /** Erases every value of a scope (an instance purged, a tenant deleted); the history stays. */
    public int retireScope(String scope, Instant now) {
        return h.createUpdate("update secrets set retired = :now, value = null where scope = :scope and retired is null")
                .bind("scope", scope).bind("now", Timestamp.from(now)).execute();
    }

    public Optional<Sealed> current(String scope, String name) {
        return h.createQuery("select scope, name, version, value from secrets where scope = :scope and name = :name and retired is null")
                .bind("scope", scope).bind("name", name)
                .map((rs, c) -> new Sealed(rs.getString("scope"), rs.getString("name"), rs.getInt("version"), rs.getBytes("value")))
                .findOne();
    }

    /** The secrets of a scope that have a current version, by name, each with its whole history (newest first). */
    public List<SecretInfo> list(String scope) {
        Map<String, List<SecretVersion>> versions = new LinkedHashMap<>();
        Map<String, String> setBy = new LinkedHashMap<>();
        h.createQuery("select name, version, created, created_by, retired from secrets where scope = :scope order by name, version desc")
                .bind("scope", scope)
                .map((rs, c) -> {
                    String name = rs.getString("name");
                    versions.computeIfAbsent(name, n -> new ArrayList<>()).add(new SecretVersion(rs.getInt("version"),
                            JsonColumns.instant(rs, "created"), rs.getString("created_by"), JsonColumns.instant(rs, "retired")));
                    setBy.putIfAbsent(name, rs.getString("created_by"));
                    return name;
                }).list();
        List<SecretInfo> result = new ArrayList<>();
        versions.forEach((name, history) -> {
            SecretVersion current = history.getFirst();
            if (current.retired() == null) {
                result.add(new SecretInfo(scope, name, current.version(), current.created(), setBy.get(name), List.copyOf(history)));
            }
        });
        return result;
    }

    /** The secret with its history, also when it has no current version (deleted), or empty if it was never set. */
    public Optional<SecretInfo> history(String scope, String name) {
        List<SecretVersion> history = h.createQuery("select version, created, created_by, retired from secrets where scope = :scope and name = :name"
                        + " order by version desc")
                .bind("scope", scope).bind("name", name)
                .map((rs, c) -> new SecretVersion(rs.getInt("version"), JsonColumns.instant(rs, "created"), rs.getString("created_by"),
                        JsonColumns.instant(rs, "retired")))
                .list();
        if (history.isEmpty()) return Optional.empty();
        SecretVersion latest = history.getFirst();
        return Optional.of(new SecretInfo(scope, name, latest.retired() == null ? latest.version() : 0, latest.created(), latest.createdBy(),
                history));
    }
}
