package dev.tenantry.agent.driver;

import dev.tenantry.api.cell.Deployment;
import dev.tenantry.api.cell.Route;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The replicas of one instance by the part they play: the slots' (serving), the incoming one of a rolling replacement
 * (serving beside the old one once healthy), the green ones of a flip in progress (not serving until the flip), and the
 * previous release's warm ones (out of the routes until {@link #warmUntil}). Not thread-safe: {@link InstanceRuntime}
 * calls it holding the monitor of its {@link InstanceState}, so that a flip is seen whole.
 */
final class InstanceReplicas {
    /** A replica and the fingerprint of the template it was started from. */
    record Replica(ReplicaSupervisor supervisor, String template) implements ConvergePlan.Running {
        @Override
        public String release() {
            return supervisor.spec().release();
        }
    }

    final Map<String, Replica> slots = new LinkedHashMap<>();
    private final Map<String, Replica> warm = new LinkedHashMap<>();
    private final List<Replica> green = new ArrayList<>();
    /** The new replica of a rolling replacement: routed to beside the old one once healthy. */
    Replica incoming;
    private Instant warmUntil = Instant.MIN;

    boolean hasWarm() {
        return !warm.isEmpty();
    }

    /** How long until the warm replicas cool (at least a millisecond). */
    long millisUntilCool(Instant now) {
        return Math.max(1, Duration.between(now, warmUntil).toMillis());
    }

    /** Takes the warm replicas whose time is up, or whose slot is not {@code wanted} any more, out of the warm ones. */
    List<Replica> takeCooledWarm(List<String> wanted, Instant now) {
        if (warm.isEmpty()) return List.of();
        boolean expired = !now.isBefore(warmUntil);
        List<String> cooled = warm.keySet().stream().filter(slot -> expired || !wanted.contains(slot)).toList();
        return cooled.stream().map(warm::remove).toList();
    }

    /** The warm replica of {@code slot} if it runs {@code template}, taken out of the warm ones as a replica of the flip. */
    Replica takeWarm(String slot, String template) {
        Replica r = warm.get(slot);
        if (r == null || !r.template().equals(template)) return null;
        warm.remove(slot);
        green.add(r);
        return r;
    }

    void addGreen(Replica replica) {
        green.add(replica);
    }

    /** A flip that failed: its replicas leave the green ones; those that were warm before it ({@code rewarmed}) are warm again. */
    void abandonFlip(Map<String, Replica> next, List<Replica> started) {
        green.removeAll(next.values());
        next.forEach((slot, r) -> {
            if (!started.contains(r)) warm.put(slot, r);
        });
    }

    /**
     * The flip itself: the new replicas take their slots and serve; the old ones leave the routes and either stay warm
     * (ingress replicas, when {@code keepWarm}) or are returned, to be stopped.
     */
    List<Replica> flip(Deployment d, Map<String, Replica> next, boolean keepWarm, Instant now) {
        List<Replica> retiring = new ArrayList<>();
        green.removeAll(next.values());
        next.forEach((slot, replica) -> {
            replica.supervisor().admit();
            Replica old = slots.put(slot, replica);
            if (old == null) return;
            old.supervisor().drain();
            boolean ingress = d.ingress() != null && old.supervisor().spec().component().equals(d.ingress().component());
            Replica displaced = keepWarm && ingress ? warm.put(slot, old) : old;
            if (displaced != null) retiring.add(displaced);
        });
        if (!warm.isEmpty()) warmUntil = now.plus(d.keepWarm());
        return retiring;
    }

    /** Every replica of the slots, and the new ones being started. */
    List<ReplicaSupervisor> supervisors() {
        List<ReplicaSupervisor> all = new ArrayList<>(slots.values().stream().map(Replica::supervisor).toList());
        if (incoming != null) all.add(incoming.supervisor());
        green.forEach(r -> all.add(r.supervisor()));
        return all;
    }

    /** The replacements being started: a rolling replacement's and a flip's. */
    List<ReplicaSupervisor> replacements() {
        List<ReplicaSupervisor> replacements = new ArrayList<>();
        if (incoming != null) replacements.add(incoming.supervisor());
        green.forEach(r -> replacements.add(r.supervisor()));
        return replacements;
    }

    List<ReplicaSupervisor> warmSupervisors() {
        return warm.values().stream().map(Replica::supervisor).toList();
    }

    /** Forgets every replica; returns them all (warm ones too). */
    List<ReplicaSupervisor> clear() {
        List<ReplicaSupervisor> all = supervisors();
        all.addAll(warmSupervisors());
        slots.clear();
        incoming = null;
        green.clear();
        warm.clear();
        return all;
    }

    /**
     * The gateway route of the instance: its healthy, not draining replicas of the ingress component (of the slots and
     * a rolling replacement; never a flip's new replicas before the flip), and the release they run.
     */
    Route route(Deployment d) {
        List<ReplicaSupervisor> serving = new ArrayList<>(slots.values().stream().map(Replica::supervisor).toList());
        if (incoming != null) serving.add(incoming.supervisor());
        serving.removeIf(s -> d.ingress() == null || !s.spec().component().equals(d.ingress().component()) || !s.isServing());
        List<String> backends = serving.stream().map(s -> "127.0.0.1:" + s.spec().ports().get(d.ingress().port())).toList();
        String release = serving.isEmpty() ? d.release() : serving.getFirst().spec().release();
        boolean stopped = !d.hibernated() && d.ingress() != null && d.components().stream()
                .filter(c -> c.name().equals(d.ingress().component())).allMatch(c -> c.replicasOrDefault() == 0);
        // hibernated, also while it wakes: a request that finds no replica is held until one serves, never refused
        return new Route(d.host(), d.instanceUid(), backends, d.hibernated(), release, stopped, d.httpsOnly());
    }
}
