package dev.tenantry.agent.driver;

import dev.tenantry.api.cell.Deployment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which of the replicas an earlier agent left running a starting agent adopts, slot by slot, and which it stops: a
 * replica of an instance or slot the desired state no longer has is stopped; of two in one slot, the one started from the
 * slot's current template is kept, else the newer generation. Decided from their state files alone (AdoptionPlanTest).
 *
 * @param adopt by instance, then by slot ({@code web-0}): the replica to take over
 * @param stop  the replicas no longer wanted
 */
record AdoptionPlan(Map<String, Map<String, ReplicaState>> adopt, List<ReplicaState> stop) {
    /** {@code wanted}: the desired deployments by instance; {@code running}: the live replicas' states. */
    static AdoptionPlan of(Map<String, Deployment> wanted, List<ReplicaState> running) {
        Map<String, Map<String, ReplicaState>> adopt = new LinkedHashMap<>();
        List<ReplicaState> stop = new ArrayList<>();
        for (ReplicaState s : running) {
            Deployment d = wanted.get(s.instanceUid());
            if (d == null || !hasSlot(d, s.component(), s.index())) {
                stop.add(s);
                continue;
            }
            Map<String, ReplicaState> slots = adopt.computeIfAbsent(s.instanceUid(), k -> new LinkedHashMap<>());
            ReplicaState other = slots.get(s.component() + "-" + s.index());
            if (other == null || prefer(d, s, other)) {
                slots.put(s.component() + "-" + s.index(), s);
                if (other != null) stop.add(other);
            } else {
                stop.add(s);
            }
        }
        return new AdoptionPlan(adopt, stop);
    }

    private static boolean hasSlot(Deployment d, String component, int index) {
        return d.components().stream().anyMatch(c -> c.name().equals(component) && index < c.replicasOrDefault());
    }

    /** Whether {@code a} should run the slot rather than {@code b}: the one with the current template, else the newer. */
    private static boolean prefer(Deployment d, ReplicaState a, ReplicaState b) {
        String current = d.components().stream().filter(c -> c.name().equals(a.component())).findFirst()
                .map(c -> ReplicaTemplate.of(d, c)).orElse("");
        boolean aCurrent = current.equals(a.template());
        boolean bCurrent = current.equals(b.template());
        return aCurrent != bCurrent ? aCurrent : a.generation() > b.generation();
    }
}
