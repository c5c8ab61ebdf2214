package dev.tenantry.server.store;

import dev.tenantry.api.model.Plan;
import dev.tenantry.api.model.Release;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Releases and plans by key, as one database holds them: both are immutable once created (nothing updates or deletes
 * them), so every reconcile pass need not read and parse them again. Only rows another, committed transaction wrote are
 * kept (one a transaction reads back from its own insert may yet be rolled back). Should releases or plans ever change
 * or go, this cache has to learn of it first.
 */
final class CatalogCache {
    /** Past this many entries of a kind the cache starts over: a catalog that large is read from the database again. */
    static final int MAX_ENTRIES = 10_000;

    private final Map<String, Release> releases = new ConcurrentHashMap<>();
    private final Map<String, Plan> plans = new ConcurrentHashMap<>();

    Optional<Release> release(String service, String version) {
        return Optional.ofNullable(releases.get(key(service, version)));
    }

    void keep(Release release) {
        keep(releases, key(release.service(), release.version()), release);
    }

    Optional<Plan> plan(String service, String name) {
        return Optional.ofNullable(plans.get(key(service, name)));
    }

    void keep(Plan plan) {
        keep(plans, key(plan.service(), plan.name()), plan);
    }

    private static <T> void keep(Map<String, T> map, String key, T value) {
        if (map.size() >= MAX_ENTRIES) map.clear();
        map.put(key, value);
    }

    private static String key(String service, String name) {
        return service + "\u0000" + name;
    }
}
