package dev.tenantry.server.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;

/**
 * Group commit for the audit chain: one writer thread writes, in one transaction (one turn of the chain's lock, one
 * commit), the records of API calls waiting at that moment together with the records other transactions left to be
 * chained, and each call goes on once its record is committed. Under load, many calls share a commit instead of queuing
 * for the lock one by one; alone, a call waits for its own commit. A call that comes less than {@link #CALL_GATHER}
 * after the last batch (a burst: fifty creates at once come one after another, each a few milliseconds after the one
 * before, as their cell's row orders them) waits until that batch is {@link #CALL_GATHER} old, gathering the calls that
 * come meanwhile. A {@link #poke} (a transaction committed records to chain) or {@link #SWEEP} without one (another
 * replica's, a crash's) makes it write with no call waiting: at once when the last batch is {@link #POKE_GATHER} old,
 * else when it is (unless a call comes first), so that the records a stream of transactions leaves share commits. A
 * reader of the chain who must see every record committed so far asks for a batch like a call without a record
 * ({@link #chainNow}).
 */
final class AuditBatches implements AutoCloseable {
    /** Records of calls written in one transaction at most. */
    static final int MAX_BATCH = 500;
    /** How long the writer waits, without a call or a poke, before it writes what may wait anyway. */
    static final java.time.Duration SWEEP = java.time.Duration.ofSeconds(1);
    /**
     * Batches that no call asked for are this far apart at least: records left by transactions wait for more this long
     * at most (nobody waits for them: they are committed already, and a reader of the trail has them chained first,
     * {@link #chainNow}). A call that comes meanwhile is written at once. While instances start, reconcile passes leave
     * a record each (placed, running) every few milliseconds: a batch a second instead of ten is some 30 batches of
     * five statements fewer in a round of fifty creates.
     */
    static final java.time.Duration POKE_GATHER = java.time.Duration.ofSeconds(1);
    /**
     * A call this soon after the last batch waits for the batch to be this old, with the calls that come meanwhile: a
     * burst's calls share commits (a transaction of five statements under the chain's lock each) at the cost of at most
     * this much latency, and only while calls come that fast.
     */
    static final java.time.Duration CALL_GATHER = java.time.Duration.ofMillis(20);
    private static final Waiting POKE = new Waiting(null, null);

    /** One audit record of an API call. */
    record Entry(String actor, String action, String target, String tenant, String result, String detail) {}

    /**
     * What one transaction writes: the records of the calls waiting ({@code calls}, maybe none) and whether a {@link #poke}
     * asked for it (records to chain are known to wait; without one and without calls, it is a {@link #SWEEP}).
     */
    record Batch(List<Entry> calls, boolean poked) {}

    private record Waiting(Entry entry, CompletableFuture<Void> committed) {}

    private final LinkedBlockingQueue<Waiting> queue = new LinkedBlockingQueue<>();
    private final Consumer<Batch> writer;
    private final Thread thread;
    private final java.util.concurrent.atomic.AtomicBoolean pokePending = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile boolean closed;

    /**
     * {@code writer}: writes a batch of calls' records (empty: none waits) in one transaction with the records left to
     * chain, or throws (every call of the batch then fails with it).
     */
    AuditBatches(Consumer<Batch> writer) {
        this.writer = writer;
        this.thread = Thread.ofPlatform().name("audit-writer").daemon().start(this::writeBatches);
    }

    /** Hands the record over (null: none, {@link #chainNow}) and returns once it is committed; throws what the batch's transaction threw. */
    void writeAndWait(Entry entry) {
        if (closed) throw new IllegalStateException("the server is stopping: the audit trail takes no more records");
        Waiting waiting = new Waiting(entry, new CompletableFuture<>());
        queue.add(waiting);
        try {
            waiting.committed().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while its audit record was written", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IllegalStateException(e.getCause());
        }
    }

    /**
     * Returns once the records committed before this call are chained (a batch of its own, or with the calls waiting,
     * as a call without a record); throws what the batch's transaction threw.
     */
    void chainNow() {
        writeAndWait(null);
    }

    /** Records wait to be chained: the writer writes them soon, with or without a call's record. */
    void poke() {
        if (!closed && pokePending.compareAndSet(false, true)) queue.add(POKE);
    }

    private void writeBatches() {
        List<Waiting> batch = new ArrayList<>();
        long lastWritten = System.nanoTime() - POKE_GATHER.toNanos();
        while (!closed) {
            try {
                Waiting first = queue.poll(SWEEP.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
                long gathering = lastWritten + POKE_GATHER.toNanos() - System.nanoTime();
                if (first == POKE && gathering > 0) {
                    batch.add(POKE); // asked for, whatever comes while it gathers
                    first = queue.poll(gathering, java.util.concurrent.TimeUnit.NANOSECONDS);
                }
                if (first != null) batch.add(first);
                long callGathering = lastWritten + CALL_GATHER.toNanos() - System.nanoTime();
                if (first != null && first != POKE && callGathering > 0) java.util.concurrent.locks.LockSupport.parkNanos(callGathering);
                if (Thread.interrupted()) throw new InterruptedException();
            } catch (InterruptedException e) {
                queue.addAll(batch); // failed with the rest below
                break;
            }
            queue.drainTo(batch, MAX_BATCH - 1);
            pokePending.set(false); // a poke from now on asks for the next batch
            List<Waiting> calls = batch.stream().filter(w -> w != POKE).toList();
            try {
                List<Entry> entries = calls.stream().map(Waiting::entry).filter(java.util.Objects::nonNull).toList();
                writer.accept(new Batch(entries, batch.contains(POKE)));
                calls.forEach(w -> w.committed().complete(null));
            } catch (RuntimeException e) {
                calls.forEach(w -> w.committed().completeExceptionally(e));
            }
            batch.clear();
            lastWritten = System.nanoTime();
        }
        failWaiting();
    }

    private void failWaiting() {
        List<Waiting> left = new ArrayList<>();
        queue.drainTo(left);
        left.removeIf(w -> w == POKE);
        left.forEach(w -> w.committed().completeExceptionally(new IllegalStateException("the server stopped before the audit record was written")));
    }

    /** How many calls' records wait for the next batch now. */
    int waiting() {
        return (int) queue.stream().filter(w -> w != POKE).count();
    }

    /** Stops the writer once the batch it is writing is done; records still waiting fail. */
    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        failWaiting();
    }
}
