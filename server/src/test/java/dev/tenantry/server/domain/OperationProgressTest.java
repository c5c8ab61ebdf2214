package dev.tenantry.server.domain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.api.model.Operation;
import dev.tenantry.api.model.Operation.State;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class OperationProgressTest {
    private final Instant t0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void finishingAStepFinishesTheEarlierOnesAndRunsTheOperation() {
        Operation op = OperationProgress.start("instance.create", "acme", "acme/web", "me", t0, List.of("a", "b", "c"));
        assertThat(op.state()).isEqualTo(State.PENDING);
        op = OperationProgress.stepSucceeded(op, "b", "done b", t0.plusSeconds(1));
        assertThat(op.state()).isEqualTo(State.RUNNING);
        assertThat(op.steps()).extracting(Operation.Step::state).containsExactly(State.SUCCEEDED, State.SUCCEEDED, State.PENDING);
        assertThat(op.steps().get(1).message()).isEqualTo("done b");
    }

    @Test
    void failingMarksTheFirstUnfinishedStepWithTheReason() {
        Operation op = OperationProgress.start("instance.create", "acme", "acme/web", "me", t0, List.of("a", "b", "c"));
        op = OperationProgress.stepSucceeded(op, "a", null, t0);
        op = OperationProgress.fail(op, "command not found: x", t0.plusSeconds(2));
        assertThat(op.state()).isEqualTo(State.FAILED);
        assertThat(op.error()).isEqualTo("command not found: x");
        assertThat(op.steps().get(1).state()).isEqualTo(State.FAILED);
        assertThat(op.steps().get(1).message()).isEqualTo("command not found: x");
        assertThat(op.steps().get(2).state()).isEqualTo(State.PENDING);
    }

    @Test
    void aFinishedOperationDoesNotChangeState() {
        Operation op = OperationProgress.succeed(OperationProgress.start("t", null, "x", "me", t0, List.of("a")), t0);
        assertThat(OperationProgress.stepRunning(op, "a", "late", t0).state()).isEqualTo(State.SUCCEEDED);
    }
}
