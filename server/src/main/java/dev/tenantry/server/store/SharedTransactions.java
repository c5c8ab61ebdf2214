package dev.tenantry.server.store;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.slf4j.MDC;

/**
 * Units of work that arrive together share a transaction (a group commit): while one batch runs, the units that arrive
 * wait, and the first of them then runs all that wait, up to {@code maxBatch}, in one transaction: one BEGIN, one
 * COMMIT, one connection and one statement of the writes that wait for the commit, instead of one of each per unit.
 * A unit that arrives while nothing runs runs at once, alone.
 * <p>
 * A batch in which a unit fails is undone whole, and its units run again one by one, each in a transaction of its
 * own, so that each gets its own outcome and only the one that failed fails (but for the database out of reach: then
 * every unit left fails at once with it). So a unit must touch nothing but the transaction (it may run twice) and must
 * not depend on the thread it runs on (it may run on another unit's, which then carries its log context while it runs).
 */
public final class SharedTransactions {
    private final Store store;
    private final int maxBatch;
    /** A lock rather than a monitor: the units' threads are virtual, and a wait for a monitor pins them on JDK 21-23. */
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Unit<?>> waiting = new ArrayDeque<>();
    /** Whether a batch runs (guarded by {@link #lock}); when it ends, it hands the turn to the first unit waiting. */
    private boolean running;

    public SharedTransactions(Store store, int maxBatch) {
        if (maxBatch < 1) throw new IllegalArgumentException("maxBatch must be at least 1");
        this.store = store;
        this.maxBatch = maxBatch;
    }

    /** Runs {@code work} in a transaction, shared with the units that arrive with it; returns what it returned once committed. */
    public <T> T tx(Function<Tx, T> work) {
        // a request's idempotency claim is its thread's, and marked done in its own transaction
        if (ClaimedRequest.current() != null) return store.tx(work);
        Unit<T> unit = new Unit<>(work);
        boolean leads;
        lock.lock();
        try {
            waiting.add(unit);
            leads = !running;
            running = true;
        } finally {
            lock.unlock();
        }
        if (!leads) unit.wake.join(); // its outcome, or its turn to run the next batch
        if (!unit.settled()) runBatch();
        return unit.outcome();
    }

    /** How many units wait for a turn now (for tests). */
    int waiting() {
        lock.lock();
        try {
            return waiting.size();
        } finally {
            lock.unlock();
        }
    }

    /** Whether a batch runs now (for tests). */
    boolean running() {
        lock.lock();
        try {
            return running;
        } finally {
            lock.unlock();
        }
    }

    /** Runs the units waiting (the caller's first), then hands the turn to the first unit that arrived meanwhile. */
    private void runBatch() {
        List<Unit<?>> batch = new ArrayList<>();
        lock.lock();
        try {
            while (!waiting.isEmpty() && batch.size() < maxBatch) batch.add(waiting.poll());
        } finally {
            lock.unlock();
        }
        try {
            run(batch);
        } finally {
            for (Unit<?> u : batch) u.failIfUnsettled();
            lock.lock();
            try {
                Unit<?> next = waiting.peek();
                if (next == null) running = false;
                else next.wake.complete(null);
            } finally {
                lock.unlock();
            }
        }
    }

    private void run(List<Unit<?>> batch) {
        if (batch.size() > 1) {
            List<Object> results;
            try {
                Map<String, String> own = MDC.getCopyOfContextMap();
                try {
                    results = store.tx(tx -> {
                        List<Object> each = new ArrayList<>(batch.size());
                        for (Unit<?> u : batch) each.add(u.applyWithItsLogContext(tx));
                        return each;
                    });
                } finally {
                    setLogContext(own);
                }
            } catch (RuntimeException e) {
                if (Store.isUnavailable(e)) {
                    // the database out of reach: each again alone would wait as long, one after another
                    batch.forEach(u -> u.fail(e));
                    return;
                }
                results = null; // undone: each runs again alone, below, for its own outcome
            }
            if (results != null) {
                for (int i = 0; i < batch.size(); i++) batch.get(i).succeed(results.get(i));
                return;
            }
        }
        Map<String, String> own = MDC.getCopyOfContextMap();
        try {
            RuntimeException unavailable = null;
            for (Unit<?> u : batch) {
                if (unavailable != null) {
                    u.fail(unavailable);
                    continue;
                }
                try {
                    u.succeed(store.tx(u::applyWithItsLogContext));
                } catch (RuntimeException e) {
                    u.fail(e);
                    if (Store.isUnavailable(e)) unavailable = e;
                }
            }
        } finally {
            setLogContext(own);
        }
    }

    private static void setLogContext(Map<String, String> context) {
        if (context == null) MDC.clear();
        else MDC.setContextMap(context);
    }

    /** One caller's work and its outcome; {@link #wake} completes when it is settled or has the turn to run a batch. */
    private static final class Unit<T> {
        final Function<Tx, T> work;
        /** Its caller's log context (tenant, instance), which its log lines carry on whichever thread it runs. */
        private final Map<String, String> logContext = MDC.getCopyOfContextMap();
        final CompletableFuture<Void> wake = new CompletableFuture<>();
        private volatile boolean settled;
        private Object result;
        private RuntimeException failure;

        Unit(Function<Tx, T> work) {
            this.work = work;
        }

        T applyWithItsLogContext(Tx tx) {
            setLogContext(logContext);
            return work.apply(tx);
        }

        boolean settled() {
            return settled;
        }

        void succeed(Object value) {
            result = value;
            settled = true;
            wake.complete(null);
        }

        void fail(RuntimeException e) {
            failure = e;
            settled = true;
            wake.complete(null);
        }

        /** After its batch: one that got no outcome (an error ended the batch's thread's work) fails rather than waits for good. */
        void failIfUnsettled() {
            if (!settled) fail(new IllegalStateException("the shared transaction this work was in ended without an outcome"));
        }

        @SuppressWarnings("unchecked")
        T outcome() {
            if (failure != null) throw failure;
            return (T) result;
        }
    }
}
