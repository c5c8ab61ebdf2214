package dev.tenantry.server.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Group commit of the audit chain: the calls' records that wait while a batch is written go together in the next; a
 * poke (records another transaction left to chain) makes a batch without a call.
 */
class AuditBatchesTest {
    private static AuditBatches.Entry entry(int i) {
        return new AuditBatches.Entry("tester", "POST /v1/things", "/v1/things/" + i, null, "success", "HTTP 201");
    }

    @Test
    void recordsThatWaitWhileABatchIsWrittenShareTheNext() throws Exception {
        CountDownLatch firstWriting = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<Integer> batchSizes = new CopyOnWriteArrayList<>();
        try (AuditBatches batches = new AuditBatches(batch -> {
                 batchSizes.add(batch.calls().size());
                 firstWriting.countDown();
                 try {
                     release.await();
                 } catch (InterruptedException e) {
                     throw new IllegalStateException(e);
                 }
             });
             ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<?> first = calls.submit(() -> batches.writeAndWait(entry(0)));
            firstWriting.await();
            List<Future<?>> others = new java.util.ArrayList<>();
            for (int i = 1; i <= 5; i++) {
                int n = i;
                others.add(calls.submit(() -> batches.writeAndWait(entry(n))));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> batches.waiting() == 5); // queued behind the batch being written
            assertThat(first.isDone()).as("a call goes on only once its record is committed").isFalse();
            release.countDown();
            first.get();
            for (Future<?> f : others) f.get();
            assertThat(batchSizes).as("calls per batch (a batch of none: a sweep)").filteredOn(n -> n > 0).containsExactly(1, 5);
        }
    }

    @Test
    void callsRightAfterABatchGatherForAMomentWhileACallAloneIsWrittenAtOnce() throws Exception {
        List<Integer> batchSizes = new CopyOnWriteArrayList<>();
        List<Long> writtenAt = new CopyOnWriteArrayList<>();
        try (AuditBatches batches = new AuditBatches(batch -> {
                 batchSizes.add(batch.calls().size());
                 writtenAt.add(System.nanoTime());
             });
             ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor()) {
            long called = System.nanoTime();
            batches.writeAndWait(entry(0));
            assertThat(writtenAt.getFirst() - called).as("a call alone waits for nobody").isLessThan(AuditBatches.POKE_GATHER.toNanos());
            // a burst right after that batch: one after another, a few milliseconds apart
            List<Future<?>> burst = new java.util.ArrayList<>();
            for (int i = 1; i <= 4; i++) {
                int n = i;
                burst.add(calls.submit(() -> batches.writeAndWait(entry(n))));
                Thread.sleep(2);
            }
            for (Future<?> f : burst) f.get();
            assertThat(writtenAt.get(1) - writtenAt.get(0)).as("the burst waited until the batch before was a moment old")
                    .isGreaterThanOrEqualTo(AuditBatches.CALL_GATHER.toNanos());
            assertThat(batchSizes.subList(1, batchSizes.size())).as("the burst's calls shared batches (4 of 4 in one, unless the machine stalled)")
                    .filteredOn(n -> n > 0).hasSizeLessThan(4);
        }
    }

    @Test
    void aFailedBatchFailsEveryCallInItAndAClosedOneTakesNoMore() {
        AuditBatches batches = new AuditBatches(batch -> {
            throw new IllegalStateException("database gone");
        });
        assertThatThrownBy(() -> batches.writeAndWait(entry(1))).isInstanceOf(IllegalStateException.class).hasMessage("database gone");
        batches.close();
        assertThatThrownBy(() -> batches.writeAndWait(entry(2))).hasMessageContaining("stopping");
    }

    @Test
    void aPokeWritesABatchWithoutACallAndPokesWhileOneWaitsShareIt() throws Exception {
        CountDownLatch written = new CountDownLatch(1);
        List<Integer> batchSizes = new CopyOnWriteArrayList<>();
        try (AuditBatches batches = new AuditBatches(batch -> {
            batchSizes.add(batch.calls().size());
            written.countDown();
        })) {
            batches.poke();
            batches.poke();
            assertThat(written.await(500, java.util.concurrent.TimeUnit.MILLISECONDS)).as("written at once, not at the next sweep").isTrue();
            assertThat(batches.waiting()).as("a poke is no call").isZero();
            batches.writeAndWait(entry(1));
            assertThat(batchSizes).as("the two pokes made one batch of no call; the call its own").startsWith(0).contains(1);
            assertThat(batchSizes.stream().filter(n -> n == 0).count()).isLessThanOrEqualTo(2);
        }
    }

    @Test
    void aBatchSaysWhetherAPokeAskedForItSoThatOnlyASweepLooksForRecordsToChainFirst() throws Exception {
        List<AuditBatches.Batch> written = new CopyOnWriteArrayList<>();
        try (AuditBatches batches = new AuditBatches(written::add)) {
            batches.writeAndWait(entry(1));
            assertThat(written.getLast()).isEqualTo(new AuditBatches.Batch(List.of(entry(1)), false));
            batches.poke();
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(1)).until(() -> written.size() == 2);
            assertThat(written.getLast()).as("a poke: records to chain wait").isEqualTo(new AuditBatches.Batch(List.of(), true));
            await().atMost(AuditBatches.SWEEP.multipliedBy(5)).pollInterval(Duration.ofMillis(10)).until(() -> written.size() == 3);
            assertThat(written.getLast()).as("a sweep: neither a call nor a poke").isEqualTo(new AuditBatches.Batch(List.of(), false));
        }
    }

    @Test
    void aReaderHasTheRecordsSoFarChainedAtOnceWhileAPokeRightAfterABatchWouldWait() throws Exception {
        List<AuditBatches.Batch> written = new CopyOnWriteArrayList<>();
        try (AuditBatches batches = new AuditBatches(written::add)) {
            batches.writeAndWait(entry(1));
            batches.poke(); // waits for the last batch to be POKE_GATHER old
            long asked = System.nanoTime();
            batches.chainNow();
            assertThat(System.nanoTime() - asked).as("not held up by the poke's gathering").isLessThan(AuditBatches.POKE_GATHER.toNanos());
            assertThat(written).hasSize(2);
            assertThat(written.getLast().calls()).as("a reader's batch writes no record of its own").isEmpty();
            assertThat(written.getLast().poked()).as("the poke it took along").isTrue();
            batches.chainNow();
            assertThat(written.getLast()).as("alone, it looks whether records wait, like a sweep").isEqualTo(new AuditBatches.Batch(List.of(), false));
        }
    }

    @Test
    void pokesRightAfterABatchGatherUntilItIsAMomentOldUnlessACallComes() throws Exception {
        List<Integer> batchSizes = new CopyOnWriteArrayList<>();
        List<Long> writtenAt = new CopyOnWriteArrayList<>();
        try (AuditBatches batches = new AuditBatches(batch -> {
            batchSizes.add(batch.calls().size());
            writtenAt.add(System.nanoTime());
        })) {
            batches.poke();
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(1)).until(() -> batchSizes.size() == 1);
            batches.poke();
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(1)).until(() -> batchSizes.size() == 2);
            assertThat(writtenAt.get(1) - writtenAt.get(0)).as("the second poke's records waited for more")
                    .isGreaterThanOrEqualTo(AuditBatches.POKE_GATHER.toNanos());

            batches.poke();
            batches.writeAndWait(entry(1));
            assertThat(batchSizes).as("a call during the gathering is written at once, with what the poke asked for").containsExactly(0, 0, 1);
        }
    }
}
