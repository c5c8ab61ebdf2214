package dev.tenantry.api;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Unmodifiable copies ordered by key. {@link Map#copyOf} iterates in an order that changes from one JVM to the
 * next, so anything written or hashed from it (a blueprint's env, labels) would differ between runs.
 */
public final class SortedMaps {
    private SortedMaps() {}

    /** Like {@link Map#copyOf}: no null keys or values; but iterated in key order. */
    public static <V> SortedMap<String, V> copyOf(Map<String, ? extends V> map) {
        TreeMap<String, V> copy = new TreeMap<>();
        map.forEach((k, v) -> copy.put(Objects.requireNonNull(k, "key"), Objects.requireNonNull(v, "value of " + k)));
        return Collections.unmodifiableSortedMap(copy);
    }
}
