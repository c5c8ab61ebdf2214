package dev.tenantry.server.domain;

import dev.tenantry.api.model.Cell;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Which cells may take a new instance, best first: online cells with free capacity, the least loaded
 * (instances / capacity) first, then by id so that the order is deterministic. An offline cell never takes one:
 * its agent would not start it, and the tenant would wait for a cell that may never come back.
 */
public final class Placement {
    private Placement() {}

    public static List<Cell> candidates(List<Cell> cells) {
        return cells.stream()
                .filter(Cell::online)
                .filter(c -> c.instances() < c.capacity())
                .sorted(Comparator.comparingDouble(Placement::load).thenComparing(Cell::id))
                .toList();
    }

    /** A cell's placement lock and its count of live instances then; the try does not wait and is empty when the lock is taken. */
    public interface Locks {
        java.util.OptionalInt tryLockAndCount(Cell cell);

        int lockAndCount(Cell cell);
    }

    /**
     * The cell an instance goes to: the first of {@code candidates} (best first) whose placement lock is free and that
     * still has room once it is held, starting at a random one of the equally loaded ({@link #tryOrder}); when every
     * candidate's lock is taken (more placements at once than cells), the first with room, waiting for each lock in turn.
     * A single candidate's lock is waited for at once. Empty when none has room.
     */
    public static java.util.Optional<Cell> choose(List<Cell> candidates, Locks locks) {
        if (candidates.size() == 1) {
            // no other cell to try while this one's lock is taken: wait for it at once (one statement, not two)
            Cell only = candidates.getFirst();
            return locks.lockAndCount(only) < only.capacity() ? java.util.Optional.of(only) : java.util.Optional.empty();
        }
        List<Cell> order = tryOrder(candidates, java.util.concurrent.ThreadLocalRandom.current().nextInt(Math.max(1, candidates.size())));
        boolean someBusy = false;
        for (Cell c : order) {
            java.util.OptionalInt count = locks.tryLockAndCount(c);
            if (count.isEmpty()) someBusy = true;
            else if (count.getAsInt() < c.capacity()) return java.util.Optional.of(c);
        }
        if (!someBusy) return java.util.Optional.empty();
        return order.stream().filter(c -> locks.lockAndCount(c) < c.capacity()).findFirst();
    }

    /**
     * The order in which a placement tries {@code candidates} (best first): those as loaded as the first (less than one
     * instance above its share of capacity) first, from the one at {@code pick} (modulo their number) round to the one
     * before it, then the others in their order. Concurrent placements, which read the same counts, so start at
     * different cells instead of all trying, and queuing for, the same cell's lock; a cell less loaded by even one
     * instance still comes first.
     */
    static List<Cell> tryOrder(List<Cell> candidates, int pick) {
        if (candidates.size() < 2) return candidates;
        double best = load(candidates.getFirst());
        int equal = 1;
        while (equal < candidates.size() && candidates.get(equal).instances() - best * candidates.get(equal).capacity() < 1) equal++;
        List<Cell> order = new java.util.ArrayList<>(candidates.size());
        for (int i = 0; i < equal; i++) order.add(candidates.get((pick + i) % equal));
        order.addAll(candidates.subList(equal, candidates.size()));
        return order;
    }

    private static double load(Cell c) {
        return (double) c.instances() / c.capacity();
    }

    /** Why no cell takes the instance, naming each cell's state (for the instance's condition). */
    public static String noRoom(List<Cell> cells) {
        if (cells.isEmpty()) return "no cell is registered";
        return "no online cell has free capacity ("
                + cells.stream().map(c -> c.id() + ": " + (c.online() ? c.instances() + " of " + c.capacity() : "offline"))
                        .collect(Collectors.joining(", ")) + ")";
    }
}
