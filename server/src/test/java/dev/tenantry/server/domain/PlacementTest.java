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
    void neverOffersAnOfflineCellAndPrefersTheLeastLoaded() {
        List<Cell> cells = List.of(cell("a", false, 0, 10), cell("b", true, 5, 10), cell("c", true, 2, 10));
        assertThat(Placement.candidates(cells)).extracting(Cell::id).containsExactly("c", "b");
    }

    @Test
    void comparesLoadAsAShareOfCapacity() {
        List<Cell> cells = List.of(cell("small", true, 1, 2), cell("big", true, 10, 100));
        assertThat(Placement.candidates(cells)).extracting(Cell::id).containsExactly("big", "small");
    }

    @Test
    void skipsFullCellsAndSaysWhyWhenNoneIsLeft() {
        List<Cell> cells = List.of(cell("a", true, 10, 10), cell("b", false, 1, 2));
        assertThat(Placement.candidates(cells)).isEmpty();
        assertThat(Placement.noRoom(cells)).isEqualTo("no online cell has free capacity (a: 10 of 10, b: offline)");
        assertThat(Placement.noRoom(List.of())).isEqualTo("no cell is registered");
    }

    @Test
    void breaksTiesByIdSoThatTheChoiceIsStable() {
        assertThat(Placement.candidates(List.of(cell("z", true, 0, 10), cell("m", true, 0, 10)))).extracting(Cell::id).containsExactly("m", "z");
    }
}
