package dev.tenantry.server.domain;

import dev.tenantry.api.model.Operation;
import dev.tenantry.api.model.Operation.State;
import dev.tenantry.api.model.Operation.Step;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Builds operations and moves their steps forward; each method returns a new immutable operation. */
public final class OperationProgress {
    private OperationProgress() {}

    public static Operation start(String type, String tenant, String target, String actor, Instant now, List<String> steps) {
        List<Step> pending = steps.stream().map(s -> new Step(s, State.PENDING, null, null, null)).toList();
        return new Operation(Ids.newId("op", 20), type, tenant, target, State.PENDING, pending, null, actor, now, now);
    }

    /** Marks the step done (and every earlier pending step with it); the operation is RUNNING from then on. */
    public static Operation stepSucceeded(Operation op, String step, String message, Instant now) {
        return withStep(op, step, State.SUCCEEDED, message, now, State.RUNNING);
    }

    /** Marks the step as started with a progress message. */
    public static Operation stepRunning(Operation op, String step, String message, Instant now) {
        return withStep(op, step, State.RUNNING, message, now, State.RUNNING);
    }

    public static boolean hasStep(Operation op, String step) {
        return op.steps().stream().anyMatch(s -> s.name().equals(step));
    }

    public static Operation succeed(Operation op, Instant now) {
        return new Operation(op.id(), op.type(), op.tenant(), op.target(), State.SUCCEEDED, op.steps(), null, op.actor(),
                op.createdAt(), now);
    }

    /** Fails the operation: the first unfinished step fails with the reason, the rest stay pending. */
    public static Operation fail(Operation op, String reason, Instant now) {
        List<Step> steps = new ArrayList<>(op.steps());
        for (int i = 0; i < steps.size(); i++) {
            Step s = steps.get(i);
            if (!s.state().isDone()) {
                steps.set(i, new Step(s.name(), State.FAILED, reason, s.startedAt() == null ? now : s.startedAt(), now));
                break;
            }
        }
        return new Operation(op.id(), op.type(), op.tenant(), op.target(), State.FAILED, steps, reason, op.actor(),
                op.createdAt(), now);
    }

    private static Operation withStep(Operation op, String step, State state, String message, Instant now, State opState) {
        List<Step> steps = new ArrayList<>(op.steps());
        int index = -1;
        for (int i = 0; i < steps.size(); i++) if (steps.get(i).name().equals(step)) index = i;
        if (index < 0) throw new IllegalArgumentException("operation " + op.type() + " has no step " + step);
        for (int i = 0; i < index; i++) {
            Step s = steps.get(i);
            if (!s.state().isDone()) steps.set(i, new Step(s.name(), State.SUCCEEDED, s.message(), or(s.startedAt(), now), now));
        }
        Step s = steps.get(index);
        if (s.state() == state && java.util.Objects.equals(s.message(), message)) return op;
        steps.set(index, new Step(step, state, message, or(s.startedAt(), now), state.isDone() ? now : null));
        return new Operation(op.id(), op.type(), op.tenant(), op.target(), op.state().isDone() ? op.state() : opState, steps,
                op.error(), op.actor(), op.createdAt(), now);
    }

    private static Instant or(Instant a, Instant b) {
        return a == null ? b : a;
    }
}
