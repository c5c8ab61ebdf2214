package dev.tenantry.api.model;

import java.time.Instant;
import java.util.List;

/** A durable record of a lifecycle request with step-by-step progress. */
public record Operation(String id, String type, String tenant, String target, State state, List<Step> steps,
                        String error, String actor, Instant createdAt, Instant updatedAt) {
    public enum State {
        PENDING, RUNNING, SUCCEEDED, FAILED;

        public boolean isDone() {
            return this == SUCCEEDED || this == FAILED;
        }
    }

    public record Step(String name, State state, String message, Instant startedAt, Instant endedAt) {}
}
