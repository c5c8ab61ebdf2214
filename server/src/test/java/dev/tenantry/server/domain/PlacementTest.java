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

    /** Placement locks of a test: the cells whose lock another placement holds, and the live counts once locked. */
    private record Locks(java.util.Set<String> busy, java.util.Map<String, Integer> counts, List<String> waitedFor) implements Placement.Locks {
        @Override
        public java.util.OptionalInt tryLockAndCount(Cell cell) {
            return busy.contains(cell.id()) ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(counts.get(cell.id()));
        }

        @Override
        public int lockAndCount(Cell cell) {
            waitedFor.add(cell.id());
            return counts.get(cell.id());
        }
    }

    @Test
    void takesTheBestCellWhoseLockIsFreeWithoutWaiting() {
        List<Cell> candidates = List.of(cell("a", true, 1, 10), cell("b", true, 2, 10));
        Locks locks = new Locks(java.util.Set.of("a"), java.util.Map.of("a", 1, "b", 2), new java.util.ArrayList<>());
        assertThat(Placement.choose(candidates, locks)).map(Cell::id).contains("b");
        assertThat(locks.waitedFor()).isEmpty();
    }

    @Test
    void countsOnceLockedSoThatACellFilledMeanwhileIsPassedOver() {
        List<Cell> candidates = List.of(cell("a", true, 8, 10), cell("b", true, 9, 10));
        Locks locks = new Locks(java.util.Set.of(), java.util.Map.of("a", 10, "b", 9), new java.util.ArrayList<>());
        assertThat(Placement.choose(candidates, locks)).map(Cell::id).contains("b");
        assertThat(Placement.choose(candidates, new Locks(java.util.Set.of(), java.util.Map.of("a", 10, "b", 10), new java.util.ArrayList<>())))
                .as("every cell filled meanwhile and none busy: no waiting").isEmpty();
    }

    @Test
    void waitsInTurnWhenEveryCandidateIsBeingPlacedOn() {
        List<Cell> candidates = List.of(cell("a", true, 1, 10), cell("b", true, 2, 10));
        Locks locks = new Locks(java.util.Set.of("a", "b"), java.util.Map.of("a", 10, "b", 3), new java.util.ArrayList<>());
        assertThat(Placement.choose(candidates, locks)).map(Cell::id).contains("b");
        assertThat(locks.waitedFor()).containsExactly("a", "b");
    }

    @Test
    void waitsForASingleCandidatesLockAtOnceWithoutTryingItFirst() {
        List<Cell> only = List.of(cell("a", true, 1, 10));
        Locks free = new Locks(java.util.Set.of(), java.util.Map.of("a", 1), new java.util.ArrayList<>());
        assertThat(Placement.choose(only, free)).map(Cell::id).contains("a");
        assertThat(free.waitedFor()).as("one look at the cell, the waiting one").containsExactly("a");
        assertThat(Placement.choose(only, new Locks(java.util.Set.of("a"), java.util.Map.of("a", 10), new java.util.ArrayList<>())))
                .as("filled meanwhile").isEmpty();
    }

    @Test
    void concurrentPlacementsStartAtDifferentCellsOfTheEquallyLoaded() {
        List<Cell> candidates = List.of(cell("a", true, 100, 1000), cell("b", true, 100, 1000), cell("c", true, 200, 2000), cell("d", true, 101, 1000));
        assertThat(Placement.tryOrder(candidates, 0)).extracting(Cell::id).containsExactly("a", "b", "c", "d");
        assertThat(Placement.tryOrder(candidates, 1)).extracting(Cell::id).as("from b round to a, then the more loaded").containsExactly("b", "c", "a", "d");
        assertThat(Placement.tryOrder(candidates, 5)).extracting(Cell::id).containsExactly("c", "a", "b", "d");
        assertThat(Placement.tryOrder(List.of(cell("far", true, 0, 1000), cell("local", true, 1, 100)), 1)).extracting(Cell::id)
                .as("one instance more: the emptier cell first, always").containsExactly("far", "local");
        assertThat(Placement.tryOrder(List.of(), 3)).isEmpty();
    }
}
