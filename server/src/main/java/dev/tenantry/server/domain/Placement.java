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
                .sorted(Comparator.comparingDouble((Cell c) -> (double) c.instances() / c.capacity()).thenComparing(Cell::id))
                .toList();
    }

    /** Why no cell takes the instance, naming each cell's state (for the instance's condition). */
    public static String noRoom(List<Cell> cells) {
        if (cells.isEmpty()) return "no cell is registered";
        return "no online cell has free capacity ("
                + cells.stream().map(c -> c.id() + ": " + (c.online() ? c.instances() + " of " + c.capacity() : "offline"))
                        .collect(Collectors.joining(", ")) + ")";
    }
}
