package dev.tenantry.server.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;

/**
 * Group commit for the audit records of API calls: each call's record is handed to one writer thread, which writes
 * every record waiting at that moment in one transaction (one turn of the chain's lock, one commit), and the call goes
 * on once its record is committed. Under load, many calls share a commit instead of queuing for the lock one by one;
 * alone, a call waits for its own commit as before.
 */
final class AuditBatches implements AutoCloseable {
    /** Records written in one transaction at most. */
    static final int MAX_BATCH = 500;

    /** One audit record of an API call. */
    record Entry(String actor, String action, String target, String tenant, String result, String detail) {}

    private record Waiting(Entry entry, CompletableFuture<Void> committed) {}

    private final LinkedBlockingQueue<Waiting> queue = new LinkedBlockingQueue<>();
    private final Consumer<List<Entry>> writer;
    private final Thread thread;
    private volatile boolean closed;

    /** {@code writer}: writes a batch in one transaction, or throws (every call of the batch then fails with it). */
    AuditBatches(Consumer<List<Entry>> writer) {
        this.writer = writer;
        this.thread = Thread.ofPlatform().name("audit-writer").daemon().start(this::writeBatches);
    }

    /** Hands the record over and returns once it is committed; throws what the batch's transaction threw. */
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

    private void writeBatches() {
        List<Waiting> batch = new ArrayList<>();
        while (!closed) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                break;
            }
            queue.drainTo(batch, MAX_BATCH - 1);
            try {
                writer.accept(batch.stream().map(Waiting::entry).toList());
                batch.forEach(w -> w.committed().complete(null));
            } catch (RuntimeException e) {
                batch.forEach(w -> w.committed().completeExceptionally(e));
            }
            batch.clear();
        }
        failWaiting();
    }

    private void failWaiting() {
        List<Waiting> left = new ArrayList<>();
        queue.drainTo(left);
        left.forEach(w -> w.committed().completeExceptionally(new IllegalStateException("the server stopped before the audit record was written")));
    }

    /** How many records wait for the next batch now. */
    int waiting() {
        return queue.size();
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
