package dev.tenantry.server.domain;

import dev.tenantry.api.model.Cell;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Picks the cell for a new instance: among cells with free capacity, online ones first, then the
 * least loaded (instances / capacity), then by id so that the choice is deterministic.
 */
public final class Placement {
    private Placement() {}

    public static Optional<Cell> choose(List<Cell> cells) {
        return cells.stream()
                .filter(c -> c.instances() < c.capacity())
                .min(Comparator.comparing((Cell c) -> !c.online())
                        .thenComparingDouble(c -> (double) c.instances() / c.capacity())
                        .thenComparing(Cell::id));
    }
}
