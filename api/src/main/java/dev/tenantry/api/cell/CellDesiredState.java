package dev.tenantry.api.cell;

import java.util.List;

/** Everything one cell must run, at a revision that grows with every change. */
public record CellDesiredState(String cell, long revision, List<Deployment> deployments) {
    public CellDesiredState {
        deployments = deployments == null ? List.of() : List.copyOf(deployments);
    }
}
