package dev.tenantry.server.signals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SignalsTest {
    private final Signals signals = new Signals();
    private final AtomicInteger woken = new AtomicInteger();
    private final List<Thread> waiters = new ArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        signals.close();
        for (Thread t : waiters) t.join(5000);
    }

    private void startWaiters(Signals.Topic topic, int count) {
        for (int i = 0; i < count; i++) {
            long mark = signals.mark(topic);
            waiters.add(Thread.ofPlatform().daemon().start(() -> {
                try {
                    signals.await(topic, mark, Duration.ofMinutes(1));
                    woken.incrementAndGet();
                } catch (InterruptedException e) {
                    // closed by the test's end
                }
            }));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> signals.waiting(topic) == count);
    }

    @Test
    void aWorkTopicWakesOneIdleWorkerPerFire() {
        startWaiters(Signals.Topic.RECONCILE, 3);
        signals.fire(Signals.Topic.RECONCILE);
        assertThat(signals.waiting(Signals.Topic.RECONCILE)).isEqualTo(2);
        await().atMost(Duration.ofSeconds(10)).until(() -> woken.get() == 1);
        signals.fire(Signals.Topic.RECONCILE);
        assertThat(signals.waiting(Signals.Topic.RECONCILE)).isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> woken.get() == 2);
    }

    @Test
    void aBroadcastTopicWakesEveryWaiter() {
        startWaiters(Signals.Topic.CELLS, 3);
        signals.fire(Signals.Topic.CELLS);
        assertThat(signals.waiting(Signals.Topic.CELLS)).isZero();
        await().atMost(Duration.ofSeconds(10)).until(() -> woken.get() == 3);
    }

    @Test
    void aFireForOneCellWakesItsLongPollsAndTheWholeTopicsWaitersButNotOtherCells() {
        startWaiters(Signals.Topic.CELLS, 1);
        List<String> wokenCells = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (String cell : List.of("a", "b")) {
            long mark = signals.mark(Signals.Topic.CELLS, cell);
            waiters.add(Thread.ofPlatform().daemon().start(() -> {
                try {
                    signals.await(Signals.Topic.CELLS, cell, mark, Duration.ofMinutes(1));
                    wokenCells.add(cell);
                } catch (InterruptedException e) {
                    // closed by the test's end
                }
            }));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> signals.waiting(Signals.Topic.CELLS) == 3);
        List<String> relayed = new java.util.concurrent.CopyOnWriteArrayList<>();
        signals.relayTo((topic, bucket) -> relayed.add(topic + " " + bucket));

        signals.fire(Signals.Topic.CELLS, "a");
        await().atMost(Duration.ofSeconds(10)).until(() -> wokenCells.equals(List.of("a")) && woken.get() == 1);
        assertThat(relayed).as("other replicas hear the topic and the key's bucket").containsExactly("CELLS " + Signals.bucket("a"));
        await().atMost(Duration.ofSeconds(10)).until(() -> signals.waiting(Signals.Topic.CELLS) == 1);
        assertThat(wokenCells).as("cell b's poll went back to waiting").containsExactly("a");

        assertThat(Signals.bucket("b")).isNotEqualTo(Signals.bucket("a"));
        signals.receive(Signals.Topic.CELLS, Signals.bucket("b"));
        await().atMost(Duration.ofSeconds(10)).until(() -> wokenCells.size() == 2);
        assertThat(wokenCells).as("another replica's fire for cell b wakes b's poll").containsExactly("a", "b");
        assertThat(relayed).as("a fire received is not relayed again").hasSize(1);

        long markC = signals.mark(Signals.Topic.CELLS, "c");
        waiters.add(Thread.ofPlatform().daemon().start(() -> {
            try {
                signals.await(Signals.Topic.CELLS, "c", markC, Duration.ofMinutes(1));
                wokenCells.add("c");
            } catch (InterruptedException e) {
                // closed by the test's end
            }
        }));
        await().atMost(Duration.ofSeconds(10)).until(() -> signals.waiting(Signals.Topic.CELLS) == 1);
        signals.receive(Signals.Topic.CELLS);
        await().atMost(Duration.ofSeconds(10)).until(() -> wokenCells.size() == 3);
        assertThat(wokenCells).as("a fire from another replica for no one cell wakes every cell's").containsExactly("a", "b", "c");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> signals.fire(Signals.Topic.RECONCILE, "a"))
                .as("a topic whose fire wakes one worker names no key").isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aFireBeforeTheWaitIsNotMissed() throws InterruptedException {
        long mark = signals.mark(Signals.Topic.RECONCILE);
        signals.fire(Signals.Topic.RECONCILE);
        long start = System.nanoTime();
        signals.await(Signals.Topic.RECONCILE, mark, Duration.ofMinutes(1));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
    }
}
