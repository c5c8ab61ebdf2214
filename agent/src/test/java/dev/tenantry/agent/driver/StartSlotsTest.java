package dev.tenantry.agent.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class StartSlotsTest {
    @Test
    void noMoreSlotsThanTheConcurrencyAndAReleasedSlotGoesToTheOneWaiting() throws Exception {
        StartSlots slots = new StartSlots(2, Duration.ofSeconds(5));
        StartSlots.Slot first = slots.tryTake();
        StartSlots.Slot second = slots.tryTake();
        assertThat(first).isNotNull();
        assertThat(second).isNotNull();
        assertThat(slots.tryTake()).isNull();
        CompletableFuture<StartSlots.Slot> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return slots.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
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
}
