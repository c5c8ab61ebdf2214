package dev.tenantry.api.cell;

import java.time.Instant;
import java.util.List;

/**
 * The agent's view of one deployment; {@code lastRequestAt}: the last request its gateway routed to it (null: none seen);
 * {@code traffic}: what the gateway counted of its requests (null: nothing yet).
 */
public record ObservedInstance(String instanceUid, long generation, State state, String message,
                               List<ObservedReplica> replicas, Instant lastRequestAt, TrafficStats traffic) {
    public enum State {
        /** replicas are starting or not yet healthy */
        STARTING,
        /** every replica passes its health check */
        RUNNING,
        /** the workload cannot run (command not found, crash loop); message says why */
        FAILED
    }

    public ObservedInstance {
        replicas = replicas == null ? List.of() : List.copyOf(replicas);
    }

    public ObservedInstance withTraffic(InstanceTraffic seen) {
        return seen == null ? this : new ObservedInstance(instanceUid, generation, state, message, replicas, seen.lastRequestAt(), seen.stats());
    }
}
