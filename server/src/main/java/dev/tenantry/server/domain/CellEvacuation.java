package dev.tenantry.server.domain;

import dev.tenantry.api.model.Cell;
import dev.tenantry.api.model.Condition;
import dev.tenantry.api.model.InstanceStatus;
import dev.tenantry.api.model.Operation;
import dev.tenantry.api.model.Phase;
import dev.tenantry.server.store.InstanceRecord;
import dev.tenantry.server.store.Tx;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The recovery of a cell whose agent stays silent: each of its live instances is placed on another online cell with
 * room, as an {@code instance.replace} operation whose actor gives the reason; its next pass renders and starts it
 * there. Its database, on a database server of the region, goes with it; an instance whose database server the silent
 * cell itself runs (isolation {@code dedicated}) stays, and so does one being purged (its data is on that cell). Files
 * the workload kept on the silent cell's disk stay there.
 */
final class CellEvacuation {
    /** What was done for one cell: the instances re-placed ({@code acme/web → eu-2}) and those left, with why. */
    record Result(List<String> replaced, List<String> left) {}

    private CellEvacuation() {}

    static Result evacuate(Tx tx, String cell, Duration silentFor, Instant now) {
        List<String> replaced = new ArrayList<>();
        List<String> left = new ArrayList<>();
        List<Cell> others = Placement.candidates(tx.cells().list()).stream().filter(c -> !c.id().equals(cell)).toList();
        String reason = "cell " + cell + " has been silent for " + silentFor.toSeconds() + " s";
        for (String uid : tx.instances().liveUidsOn(cell)) {
            InstanceRecord i = tx.instances().lockByUid(uid).orElse(null);
            if (i == null || !cell.equals(i.cell()) || i.phase().isDeleted() || i.phase() == Phase.DELETING) continue;
            String target = i.tenant() + "/" + i.name();
            if (tx.databaseServers().dedicatedTo(uid).isPresent()) {
                left.add(target + ": its own database server runs on the cell");
                continue;
            }
            Optional<Cell> to = others.stream().filter(c -> tx.cells().lockAndCountInstances(c.id()) < c.capacity()).findFirst();
            if (to.isEmpty()) {
                left.add(target + ": " + Placement.noRoom(others));
                continue;
            }
            replace(tx, i, to.get(), reason, now);
            replaced.add(target + " → " + to.get().id());
        }
        return new Result(replaced, left);
    }

    private static void replace(Tx tx, InstanceRecord i, Cell to, String reason, Instant now) {
        String target = i.tenant() + "/" + i.name();
        Operation op = OperationProgress.start("instance.replace", i.tenant(), target, "system (" + reason + ")", now, InstanceService.CREATE_STEPS);
        op = OperationProgress.stepSucceeded(op, "place", "re-placed from cell " + i.cell() + " on cell " + to.id() + " (" + to.region() + "): "
                + reason, now);
        String message = "re-placed on cell " + to.id() + ": " + reason;
        InstanceStatus s = i.status();
        List<Condition> conditions = new ArrayList<>(s.conditions().stream().filter(c -> !c.type().equals("Ready") && !c.type().equals("Placed")).toList());
        conditions.add(new Condition("Ready", Condition.Status.False, "Replacing", message, now));
        conditions.add(new Condition("Placed", Condition.Status.True, "Replaced", message, now));
        InstanceStatus status = new InstanceStatus(i.phase() == Phase.STOPPED || i.phase() == Phase.HIBERNATED ? i.phase() : Phase.PROVISIONING,
                s.observedGeneration(), s.release(), to.id(), null, message, conditions, List.of());
        String from = i.cell();
        long fromRevision = tx.cells().bumpRevision(from);
        tx.instances().saveStatus(i.withPlacement(to.id()).withDeployment(null, false).withStatus(status).withLastOperation(op.id()));
        tx.instances().markDeparted(i.uid(), from, fromRevision);
        tx.operations().insert(op, i.uid());
        tx.events().append("instance.replaced", "tenants/" + target, i.tenant(),
                Map.of("instance", target, "uid", i.uid(), "from", from, "to", to.id(), "operation", op.id(), "reason", reason));
        tx.audit().record("system", "instance.replace", "tenants/" + target, i.tenant(), "success", "from cell " + from + " to " + to.id() + ": " + reason);
    }
}
