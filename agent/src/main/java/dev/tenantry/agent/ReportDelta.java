package dev.tenantry.agent;

import dev.tenantry.api.cell.ObservedInstance;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one report of a cell says, decided from what the last reports said and what is observed now: with {@code full},
 * every instance that runs; otherwise the instances whose observation differs from the one last reported, and those
 * that stopped or whose data was purged.
 */
record ReportDelta(boolean full, List<ObservedInstance> changed, List<String> removed, Observed observed) {

    /**
     * What was observed: {@code instances}, those that run among the instances {@code looked} at (null: every instance,
     * so a reported one missing here has stopped).
     */
    record Observed(List<ObservedInstance> instances, Set<String> looked) {
        boolean ofEverything() {
            return looked == null;
        }
    }

    static ReportDelta of(Map<String, ObservedInstance> reported, Observed observed, List<String> purged, boolean full) {
        Map<String, ObservedInstance> now = new LinkedHashMap<>();
        observed.instances().forEach(o -> now.put(o.instanceUid(), o));
        if (full) return new ReportDelta(true, List.copyOf(now.values()), List.of(), observed);
        Set<String> candidates = new LinkedHashSet<>(now.keySet());
        candidates.addAll(observed.ofEverything() ? reported.keySet() : observed.looked());
        List<ObservedInstance> changed = now.values().stream().filter(o -> !o.equals(reported.get(o.instanceUid())))
                .sorted(Comparator.comparing(ObservedInstance::instanceUid)).toList();
        Set<String> removed = new LinkedHashSet<>();
        candidates.stream().filter(uid -> !now.containsKey(uid) && reported.containsKey(uid)).sorted().forEach(removed::add);
        removed.addAll(purged);
        return new ReportDelta(false, changed, List.copyOf(removed), observed);
    }

    /** Whether there is nothing to say (a heartbeat always says everything). */
    boolean isEmpty() {
        return !full && changed.isEmpty() && removed.isEmpty();
    }

    /** Brings {@code reported} (by instance uid) to what the server knows once this report is accepted. */
    void applyTo(Map<String, ObservedInstance> reported) {
        if (full || observed.ofEverything()) reported.clear();
        removed.forEach(reported::remove);
        observed.instances().forEach(o -> reported.put(o.instanceUid(), o));
    }
}
