package dev.tenantry.agent.driver;

import dev.tenantry.api.blueprint.Component;
import dev.tenantry.api.cell.Deployment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What an instance's converging thread does next to run a deployment, decided from its slots' replicas alone (no
 * process, no lock: {@code ConvergePlanTest}). A slot is a component's replica by index ({@code web-0}, {@code web-1}).
 */
final class ConvergePlan {
    private ConvergePlan() {}

    /** What the plan needs to know of a replica that runs in a slot. */
    interface Running {
        /** The fingerprint of what it was started from ({@link ReplicaTemplate}). */
        String template();

        String release();
    }

    sealed interface Change<R extends Running> {}

    /** A change of one slot, to be started beside what runs. */
    sealed interface SlotChange<R extends Running> extends Change<R> {
        String slot();

        Component component();

        int index();
    }

    /** An empty slot gets a replica. */
    record Add<R extends Running>(String slot, Component component, int index) implements SlotChange<R> {}

    /** A slot whose replica was started from another template of the same release: a new one beside it, then the old one goes. */
    record Replace<R extends Running>(String slot, Component component, int index, R old) implements SlotChange<R> {}

    /** Blue-green to a new release: every changed slot's new replica starts, then the routes flip to all at once. */
    record Flip<R extends Running>(List<SlotChange<R>> slots) implements Change<R> {}

    /** A slot the deployment no longer has. */
    record Remove<R extends Running>(String slot, R old) implements Change<R> {}

    /**
     * The next change: a flip of every changed slot if a replica runs another release, else the first difference in slot
     * order; removals last; empty when {@code slots} already run {@code d}. {@code awake}: a hibernated deployment was
     * woken (else it wants no replica).
     */
    static <R extends Running> Optional<Change<R>> next(Deployment d, boolean awake, Map<String, R> slots) {
        List<String> wanted = wantedSlots(d, awake);
        List<SlotChange<R>> changes = new ArrayList<>();
        boolean newRelease = false;
        for (Component c : d.components()) {
            for (int i = 0; wanted.contains(c.name() + "-" + i); i++) {
                String slot = c.name() + "-" + i;
                R current = slots.get(slot);
                if (current == null) {
                    changes.add(new Add<>(slot, c, i));
                } else if (!current.template().equals(ReplicaTemplate.of(d, c))) {
                    changes.add(new Replace<>(slot, c, i, current));
                    newRelease |= !current.release().equals(d.release());
                }
            }
        }
        if (newRelease) return Optional.of(new Flip<>(changes));
        if (!changes.isEmpty()) return Optional.of(changes.getFirst());
        return slots.entrySet().stream().filter(e -> !wanted.contains(e.getKey())).findFirst()
                .map(e -> new Remove<>(e.getKey(), e.getValue()));
    }

    /** The slots {@code d} wants, in component and index order (none while it is hibernated and not woken). */
    static List<String> wantedSlots(Deployment d, boolean awake) {
        List<String> wanted = new ArrayList<>();
        for (Component c : d.components()) {
            int count = d.hibernated() && !awake ? 0 : c.replicasOrDefault();
            for (int i = 0; i < count; i++) wanted.add(c.name() + "-" + i);
        }
        return wanted;
    }
}
