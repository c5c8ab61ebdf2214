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
    }

    @Test
    void aSlotExpiresAfterItsHold() {
        StartSlots.Slot slot = new StartSlots(1, Duration.ofMillis(50)).tryTake();
        assertThat(slot.expired()).isFalse();
        await().atMost(Duration.ofSeconds(5)).until(slot::expired);
    }

    @Test
    void withoutALimitEveryoneStartsAtOnce() {
        for (int i = 0; i < 100; i++) assertThat(StartSlots.UNLIMITED.tryTake()).isNotNull();
    }
}
