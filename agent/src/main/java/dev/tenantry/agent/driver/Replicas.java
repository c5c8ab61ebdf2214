package dev.tenantry.agent.driver;

import dev.tenantry.api.blueprint.Component;
import dev.tenantry.api.cell.Deployment;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What an instance's runtime asks of its driver: creates replica supervisors (with their ports and directories), adopts
 * running ones, takes their ports back, and runs the instance's release hooks.
 */
interface Replicas {
    ReplicaSupervisor create(Deployment deployment, Component component, int index, String template);

    ReplicaSupervisor adopt(Deployment deployment, Component component, int index, ReplicaState running);

    void released(ReplicaSupervisor replica);

    /** Runs a release hook of the instance; empty when it succeeded, else why it failed. */
    Optional<String> runHook(Deployment deployment, String name, List<String> command, Duration timeout);
}
