package dev.tenantry.api.cell;

import java.util.List;

/** What an agent observes in its cell, reported after every change and as a heartbeat. */
public record CellReport(String cell, String agentId, long appliedRevision, List<ObservedInstance> instances) {
    public CellReport {
        instances = instances == null ? List.of() : List.copyOf(instances);
    }
}
