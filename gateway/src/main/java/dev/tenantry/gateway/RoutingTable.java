package dev.tenantry.gateway;

import dev.tenantry.api.cell.Route;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/** Host name → healthy backends, replaced as a whole whenever the agent publishes new routes. */
public final class RoutingTable implements Consumer<List<Route>> {
    private volatile Map<String, Entry> entries = Map.of();

    record Entry(Route route, AtomicInteger next) {
        /** The next backend, round robin; null when none is healthy. */
        String pick() {
            List<String> backends = route.backends();
            if (backends.isEmpty()) return null;
            return backends.get(Math.floorMod(next.getAndIncrement(), backends.size()));
        }
    }

    @Override
    public void accept(List<Route> routes) {
        Map<String, Entry> old = entries;
        entries = routes.stream().collect(Collectors.toUnmodifiableMap(r -> r.host().toLowerCase(Locale.ROOT),
                r -> new Entry(r, old.containsKey(r.host()) ? old.get(r.host()).next() : new AtomicInteger()), (a, b) -> b));
    }

    Entry lookup(String host) {
        return host == null ? null : entries.get(host.toLowerCase(Locale.ROOT));
    }

}
