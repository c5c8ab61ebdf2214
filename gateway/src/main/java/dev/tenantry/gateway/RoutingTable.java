package dev.tenantry.gateway;

import dev.tenantry.api.cell.InstanceTraffic;
import dev.tenantry.api.cell.Route;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Host name → healthy backends, replaced as a whole whenever the agent publishes new routes; requests held for a waking
 * instance wait here. Each route counts its requests per release it serves ({@link TrafficCounter}), afresh when it changes.
 */
public final class RoutingTable implements Consumer<List<Route>> {
    private volatile Map<String, Entry> entries = Map.of();
    private volatile Map<String, Entry> byUid = Map.of();
    private volatile boolean loaded;

    record Entry(Route route, AtomicInteger next, AtomicLong lastRequestMillis, TrafficCounter traffic) {
        /** The next backend, round robin; null when none is healthy. */
        String pick() {
            List<String> backends = route.backends();
            if (backends.isEmpty()) return null;
            return backends.get(Math.floorMod(next.getAndIncrement(), backends.size()));
        }
    }

    private final Map<String, List<CompletableFuture<String>>> waiting = new ConcurrentHashMap<>();

    @Override
    public void accept(List<Route> routes) {
        Map<String, Entry> old = entries;
        Map<String, Entry> oldByUid = byUid;
        // an instance's host names (its own and its custom domains) share its round robin, last request and traffic figures
        Map<String, Entry> firstOfInstance = new java.util.HashMap<>();
        Map<String, Entry> next = new java.util.HashMap<>();
        for (Route r : routes) {
            Entry shared = firstOfInstance.get(r.instanceUid());
            Entry entry;
            if (shared != null) {
                entry = new Entry(r, shared.next(), shared.lastRequestMillis(), shared.traffic());
            } else {
                Entry previous = old.getOrDefault(r.host().toLowerCase(Locale.ROOT), oldByUid.get(r.instanceUid()));
                if (previous == null || !previous.route().instanceUid().equals(r.instanceUid())) {
                    entry = new Entry(r, new AtomicInteger(), new AtomicLong(), new TrafficCounter(r.release()));
                } else {
                    TrafficCounter traffic = Objects.equals(previous.traffic().release(), r.release()) ? previous.traffic() : new TrafficCounter(r.release());
                    entry = new Entry(r, previous.next(), previous.lastRequestMillis(), traffic);
                }
                firstOfInstance.put(r.instanceUid(), entry);
            }
            next.put(r.host().toLowerCase(Locale.ROOT), entry);
        }
        entries = Map.copyOf(next);
        byUid = entries.values().stream().collect(Collectors.toUnmodifiableMap(e -> e.route().instanceUid(), e -> e, (a, b) -> a));
        loaded = true;
        waiting.keySet().forEach(this::release);
    }

    /** Whether routes were given at all yet (an empty list counts): before that, no host is known to be unknown. */
    boolean loaded() {
        return loaded;
    }

    /** A backend for {@code host} as soon as it has one (completed at once if it has one now). */
    CompletableFuture<String> awaitBackend(String host) {
        String key = host.toLowerCase(Locale.ROOT);
        CompletableFuture<String> backend = new CompletableFuture<>();
        waiting.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(backend);
        release(key); // routes may have changed between the caller's lookup and now
        backend.whenComplete((b, e) -> waiting.computeIfPresent(key, (k, list) -> {
            list.remove(backend);
            return list.isEmpty() ? null : list;
        }));
        return backend;
    }

    private void release(String key) {
        Entry entry = entries.get(key);
        List<CompletableFuture<String>> waiters = waiting.get(key);
        if (entry == null || waiters == null) return;
        for (CompletableFuture<String> w : waiters) {
            String backend = entry.pick();
            if (backend == null) return;
            w.complete(backend);
        }
    }

    /** The traffic of every routed instance that got a request (by uid). */
    public Map<String, InstanceTraffic> traffic() {
        return byUid.entrySet().stream().filter(e -> e.getValue().lastRequestMillis().get() != 0)
                .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, e -> traffic(e.getValue())));
    }

    /** When the gateway last received a request for the instance, and its figures (null: no request since it was routed here). */
    public InstanceTraffic traffic(String instanceUid) {
        Entry e = byUid.get(instanceUid);
        return e == null || e.lastRequestMillis().get() == 0 ? null : traffic(e);
    }

    private static InstanceTraffic traffic(Entry e) {
        return new InstanceTraffic(Instant.ofEpochMilli(e.lastRequestMillis().get()), e.traffic().snapshot());
    }

    Entry lookup(String host) {
        return host == null ? null : entries.get(host.toLowerCase(Locale.ROOT));
    }

}
