package dev.tenantry.server.reconcile;

import java.time.Duration;

/** What one reconcile step achieved. A pass stops at the first step that does not report {@link Done}. */
public sealed interface Outcome {
    /** The step's goal already holds, or was reached now; go on with the next step. */
    record Done() implements Outcome {}

    /** Waiting for something outside (an agent report, free capacity); look again after {@code recheck} at the latest. */
    record Waiting(String reason, Duration recheck) implements Outcome {}

    /** The goal cannot be reached; the instance and its operation fail with the reason. */
    record Failed(String reason) implements Outcome {}

    Outcome DONE = new Done();

    static Outcome waiting(String reason, Duration recheck) {
        return new Waiting(reason, recheck);
    }

    static Outcome failed(String reason) {
        return new Failed(reason);
    }
}
