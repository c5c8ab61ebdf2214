package dev.tenantry.api.model;

import dev.tenantry.api.cell.ObservedReplica;
import java.util.List;

/** What the system observed; {@code observedGeneration} tells "not yet" from "done". */
public record InstanceStatus(Phase phase, long observedGeneration, String release, String cell, String endpoint,
                             String message, List<Condition> conditions, List<ObservedReplica> replicas) {
    public InstanceStatus {
        conditions = conditions == null ? List.of() : List.copyOf(conditions);
        replicas = replicas == null ? List.of() : List.copyOf(replicas);
    }
}
