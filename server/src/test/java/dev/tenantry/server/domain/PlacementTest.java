package dev.tenantry.server.domain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.api.model.Cell;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlacementTest {
    private static Cell cell(String id, boolean online, int instances, int capacity) {
        return new Cell(id, "eu", "process", "localhost", "http://{host}/", online, null, 0, instances, capacity, null);
    }

    @Test
    void prefersOnlineCellsThenTheLeastLoaded() {
        List<Cell> cells = List.of(cell("a", false, 0, 10), cell("b", true, 5, 10), cell("c", true, 2, 10));
        assertThat(Placement.choose(cells)).map(Cell::id).contains("c");
    }

    @Test
    void comparesLoadAsAShareOfCapacity() {
        List<Cell> cells = List.of(cell("small", true, 1, 2), cell("big", true, 10, 100));
        assertThat(Placement.choose(cells)).map(Cell::id).contains("big");
    }

    @Test
    void skipsFullCellsAndFindsNothingWhenAllAreFull() {
        assertThat(Placement.choose(List.of(cell("a", true, 10, 10), cell("b", false, 1, 2)))).map(Cell::id).contains("b");
        assertThat(Placement.choose(List.of(cell("a", true, 10, 10)))).isEmpty();
        assertThat(Placement.choose(List.of())).isEmpty();
    }

    @Test
    void breaksTiesByIdSoThatTheChoiceIsStable() {
        assertThat(Placement.choose(List.of(cell("z", true, 0, 10), cell("m", true, 0, 10)))).map(Cell::id).contains("m");
    }
}
