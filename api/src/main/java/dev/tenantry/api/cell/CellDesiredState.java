package dev.tenantry.api.cell;

import java.util.List;

/**
 * A cell's desired state at a revision that grows with every change. With {@code full} it is everything
 * the cell must run; otherwise it holds only what changed after the revision the agent asked after:
 * deployments to run (new or replaced) and the instance uids to stop. {@code purged} names the instances whose
 * data the agent removes for good (the agent lists them as removed in its next report once it has).
 */
public record CellDesiredState(String cell, long revision, boolean full, List<Deployment> deployments, List<String> removed,
                               List<String> purged) {
    public CellDesiredState {
        deployments = deployments == null ? List.of() : List.copyOf(deployments);
        removed = removed == null ? List.of() : List.copyOf(removed);
        purged = purged == null ? List.of() : List.copyOf(purged);
    }
}
