package dev.tenantry.api.cell;

import java.util.List;

/**
 * What an agent observes in its cell as of the revision it applied. A {@code full} report lists every
 * instance the agent runs (any other instance of the cell is not running); an incremental one lists
 * only the instances whose observation changed since the agent's last report, and the uids it stopped.
 */
public record CellReport(String cell, String agentId, long appliedRevision, boolean full, List<ObservedInstance> instances,
                         List<String> removed) {
    public CellReport {
        instances = instances == null ? List.of() : List.copyOf(instances);
        removed = removed == null ? List.of() : List.copyOf(removed);
    }
}
