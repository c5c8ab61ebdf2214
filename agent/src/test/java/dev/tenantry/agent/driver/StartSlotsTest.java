package dev.tenantry.agent.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class StartSlotsTest {
    /** What {@code wait} returns, waited for on another thread. */
    private static <T> CompletableFuture<T> waitingFor(java.util.concurrent.Callable<T> wait) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return wait.call();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void noMoreSlotsThanTheConcurrencyAndAReleasedSlotGoesToTheOneWaiting() throws Exception {
        StartSlots slots = new StartSlots(2, Duration.ofSeconds(5));
        StartSlots.Slot first = slots.tryTake();
        StartSlots.Slot second = slots.tryTake();
        assertThat(first).isNotNull();
        assertThat(second).isNotNull();
        assertThat(slots.tryTake()).isNull();
        CompletableFuture<StartSlots.Slot> waiting = waitingFor(slots::await);
        await().atMost(Duration.ofSeconds(5)).until(() -> slots.waiting() == 1);
        assertThat(waiting).isNotDone();
        first.release();
        first.release();
        assertThat(waiting.get(5, TimeUnit.SECONDS)).isNotNull();
        assertThat(slots.tryTake()).as("a slot given back twice counts once").isNull();
        assertThat(slots.starting()).as("the second and the one that waited").isEqualTo(2);
    }

    @Test
    void withoutPacingEveryStartingReplicaIsCounted() {
        StartSlots unpaced = new StartSlots(0, Duration.ofSeconds(5));
        StartSlots.Slot one = unpaced.tryTake();
        unpaced.tryTake();
        assertThat(unpaced.starting()).isEqualTo(2);
        one.release();
        one.release();
        assertThat(unpaced.starting()).isEqualTo(1);
    }

    @Test
    void aSlotExpiresAfterItsHold() {
        StartSlots.Slot slot = new StartSlots(1, Duration.ofMillis(50)).tryTake();
        assertThat(slot.expired()).isFalse();
        await().atMost(Duration.ofSeconds(5)).until(slot::expired);
    }

    @Test
    void aStarterThatUsesLessThanAFifthOfACoreOverAWindowIsIdle() {
        long window = StartSlots.IDLE_WINDOW.toNanos();
        StartSlots.Slot waiting = new StartSlots(1, Duration.ofSeconds(5)).tryTake();
        assertThat(waiting.idle(() -> 0, 0)).as("the first sample opens a window").isFalse();
        assertThat(waiting.idle(() -> { throw new AssertionError("read only when a window ends"); }, window / 2)).isFalse();
        assertThat(waiting.idle(() -> window / 10, window)).isTrue();

        StartSlots.Slot computing = new StartSlots(1, Duration.ofSeconds(5)).tryTake();
        computing.idle(() -> 0, 0);
        assertThat(computing.idle(() -> window / 2, window)).as("half a core").isFalse();
        assertThat(computing.idle(() -> window / 2 + window / 4, 2 * window)).as("a quarter of a core in the next window").isFalse();
        assertThat(computing.idle(() -> window / 2 + window / 4 + window / 10, 3 * window)).as("a tenth").isTrue();

        StartSlots.Slot unknown = new StartSlots(1, Duration.ofSeconds(5)).tryTake();
        unknown.idle(() -> -1, 0);
        assertThat(unknown.idle(() -> -1, window)).as("unknown CPU time is never idle").isFalse();
    }

    @Test
    void withoutALimitEveryoneStartsAtOnce() {
        StartSlots unlimited = new StartSlots(0, Duration.ZERO);
        for (int i = 0; i < 100; i++) assertThat(unlimited.tryTake()).isNotNull();
        assertThat(unlimited.waiting()).isZero();
    }

    @Test
    void turnsToPrepareAreTwiceTheSlotsAndGoBackWithTheSlot() throws Exception {
        StartSlots slots = new StartSlots(1, Duration.ofSeconds(5));
        StartSlots.Turn first = slots.tryTakeTurn();
        StartSlots.Turn second = slots.tryTakeTurn();
        assertThat(first).isNotNull();
        assertThat(second).isNotNull();
        assertThat(slots.tryTakeTurn()).as("one starting and one prepared to start next, per slot").isNull();
        CompletableFuture<StartSlots.Turn> third = waitingFor(slots::awaitTurn);
        await().atMost(Duration.ofSeconds(5)).until(() -> slots.waiting() == 1);
        StartSlots.Slot starting = slots.tryTake(first);
        assertThat(slots.tryTake(second)).as("the one slot is taken").isNull();
        assertThat(third).isNotDone();
        starting.release();
        starting.release();
        assertThat(third.get(5, TimeUnit.SECONDS)).as("the slot gave its turn back").isNotNull();
        assertThat(slots.tryTakeTurn()).as("a slot given back twice gives its turn back once").isNull();
        second.release();
        assertThat(slots.tryTakeTurn()).as("a turn given back without a slot (a failed preparation)").isNotNull();
    }

    @Test
    void withoutPacingEveryoneHasATurn() {
        StartSlots unpaced = new StartSlots(0, Duration.ZERO);
        for (int i = 0; i < 100; i++) assertThat(unpaced.tryTakeTurn()).isNotNull();
    }
}
