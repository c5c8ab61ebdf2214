package dev.tenantry.server.reconcile;

import dev.tenantry.api.model.Cell;
import dev.tenantry.api.model.Condition;
import dev.tenantry.api.model.Phase;
import dev.tenantry.server.domain.Placement;
import dev.tenantry.server.store.CellRepository;
import dev.tenantry.server.store.Tx;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The instance reconciler's first step: an instance not on a cell yet is placed on the least loaded online cell with
 * room ({@link Placement}), counted under that cell's row lock so that concurrent placements never overfill it; with
 * no room anywhere it waits, saying why.
 */
final class PlacementStep {
    /** The least loaded cells a placement reads (more only when all of them filled up meanwhile). */
    static final int PLACEMENT_CANDIDATES = 16;
    private static final Duration NO_CAPACITY_RECHECK = Duration.ofSeconds(5);

    private PlacementStep() {}

    static Outcome ensurePlaced(InstancePass pass) {
        if (pass.instance.cell() != null) return Outcome.DONE;
        List<Cell> best = pass.tx.cells().placementCandidates(PLACEMENT_CANDIDATES);
        Optional<Cell> cell = Placement.choose(best, placementLocks(pass.tx));
        List<Cell> all = null;
        if (cell.isEmpty() && best.size() == PLACEMENT_CANDIDATES) {
            // the least loaded filled up meanwhile: every cell, as rare as it is slow
            all = pass.tx.cells().list();
            cell = Placement.choose(Placement.candidates(all), placementLocks(pass.tx));
        }
        if (cell.isEmpty()) {
            String reason = Placement.noRoom(all != null ? all : pass.tx.cells().list());
            pass.condition("Placed", Condition.Status.False, "NoCapacity", reason);
            pass.stepRunning("place", "waiting: " + reason);
            return Outcome.waiting("no capacity", NO_CAPACITY_RECHECK);
        }
        pass.instance = pass.instance.withPlacement(cell.get().id());
        pass.cellAddress = new CellRepository.Address(cell.get().baseDomain(), cell.get().endpointTemplate());
        pass.condition("Placed", Condition.Status.True, "Placed", "placed on cell " + cell.get().id());
        pass.status(Phase.PROVISIONING, pass.instance.status().observedGeneration(), null, Condition.Status.False, "Provisioning",
                "placed on cell " + cell.get().id());
        pass.stepDone("place", "placed on cell " + cell.get().id() + " (" + cell.get().region() + ")");
        pass.audit("instance.place", "success", "cell " + cell.get().id());
        return Outcome.DONE;
    }

    private static Placement.Locks placementLocks(Tx tx) {
        return new Placement.Locks() {
            @Override
            public java.util.OptionalInt tryLockAndCount(Cell cell) {
                return tx.cells().tryLockAndCountInstances(cell.id());
            }

            @Override
            public int lockAndCount(Cell cell) {
                return tx.cells().lockAndCountInstances(cell.id());
            }
        };
    }
}
