package dev.tenantry.server.reconcile;

import dev.tenantry.server.domain.Ids;
import dev.tenantry.server.signals.Signals;
import dev.tenantry.server.store.Store;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Worker threads that claim due objects (rollouts, databases, backups, webhooks) through row leases ({@code FOR UPDATE
 * SKIP LOCKED}), run a reconcile pass on each and schedule the next. Several server replicas can run this against one
 * database: a lease is held by one worker at a time, and a crashed worker's lease expires. Instances hold no lease: a
 * worker looks which are due and each pass locks its instance in its one transaction, skipping one that is taken (a
 * crashed worker's transaction ends with its connection).
 */
public final class ReconcileLoop implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ReconcileLoop.class);
    /** How long a claim holds without news from its worker; a running pass renews it every third of that (its heartbeat). */
    public static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);
    /**
     * How often an idle loop looks for work that became due with no fire (a retry's or a resync's time came): one of its
     * idle workers looks this often (the poller), the others only every {@link #IDLE_WAIT_NOT_POLLING}, so that an idle
     * server does not run a transaction per worker twice a second. Fires wake them at once either way.
     */
    private static final Duration IDLE_WAIT = Duration.ofMillis(500);
    private static final Duration IDLE_WAIT_NOT_POLLING = Duration.ofSeconds(5);
    /** The longest a worker waits before it tries to claim work again after errors: work resumes soon after the database does. */
    private static final Duration CLAIM_RETRY_CAP = Duration.ofSeconds(10);

    /** How a worker claims: {@code lease}, how long a claim holds without its heartbeat; {@code batch}, objects claimed at a time. */
    public record Claims(Duration lease, int batch) {
        public Claims {
            if (lease == null || lease.isNegative() || lease.isZero()) throw new IllegalArgumentException("lease must be positive, not " + lease);
            if (batch < 1) throw new IllegalArgumentException("batch must be positive, not " + batch);
        }

        public Claims withLease(Duration other) {
            return new Claims(other, batch);
        }
    }

    private final Store store;
    private final Signals signals;
    private final Reconciler reconciler;
    private final String name;
    private final Signals.Topic topic;
    private final Duration lease;
    private final int batch;
    private final String owner = Ids.newId("worker", 8);
    private final List<Thread> threads = new ArrayList<>();
    private final java.util.concurrent.atomic.AtomicLong passes = new java.util.concurrent.atomic.AtomicLong();
    /** Without leases: objects found due, not yet taken by a worker ({@link #takeAndRun}), and those queued or in a pass. */
    private final java.util.Queue<String> queue = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.Set<String> queued = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile int workers;
    /** Held by the idle worker that looks for due work every {@link #IDLE_WAIT}. */
    private final java.util.concurrent.atomic.AtomicBoolean pollerTaken = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile boolean running = true;

    public ReconcileLoop(Store store, Signals signals, InstanceReconciler reconciler, Claims claims) {
        this(store, signals, reconciler, "reconcile", Signals.Topic.RECONCILE, claims);
    }

    public ReconcileLoop(Store store, Signals signals, RolloutReconciler reconciler, Claims claims) {
        this(store, signals, reconciler, "rollout", Signals.Topic.ROLLOUTS, claims);
    }

    /** Database passes can be long (migrations, copies): the lease is renewed while one runs. */
    public ReconcileLoop(Store store, Signals signals, DatabaseReconciler reconciler, Claims claims) {
        this(store, signals, reconciler, "database", Signals.Topic.DATABASES, claims);
    }

    /** A backup can take minutes: the lease is renewed while it runs. */
    public ReconcileLoop(Store store, Signals signals, BackupReconciler reconciler, Claims claims) {
        this(store, signals, reconciler, "backup", Signals.Topic.BACKUPS, claims);
    }

    /** Webhook deliveries: a slow subscriber holds a worker for up to the sender's timeout. */
    public ReconcileLoop(Store store, Signals signals, WebhookReconciler reconciler, Claims claims) {
        this(store, signals, reconciler, "webhook", Signals.Topic.WEBHOOKS, claims);
    }

    /** {@code topic}: the signal that wakes its idle workers (their own, so that instance reports do not wake rollout workers). */
    ReconcileLoop(Store store, Signals signals, Reconciler reconciler, String name, Signals.Topic topic, Claims claims) {
        this.store = store;
        this.lease = claims.lease();
        this.batch = claims.batch();
        this.topic = topic;
        this.signals = signals;
        this.reconciler = reconciler;
        this.name = name;
    }

    public ReconcileLoop start(int workers) {
        this.workers = workers;
        for (int i = 0; i < workers; i++) {
            threads.add(Thread.ofPlatform().name(name + "-" + i).daemon().start(this::work));
        }
        return this;
    }

    private void work() {
        int errorsInARow = 0;
        boolean wasPoller = false;
        while (running) {
            try {
                long mark = signals.mark(topic);
                boolean ran = reconciler.holdsLeases() ? claimAndRun(wasPoller) : takeAndRun(wasPoller);
                wasPoller = false;
                if (errorsInARow > 0) log.info("The {} worker claims work again after {} failed attempts", name, errorsInARow);
                errorsInARow = 0;
                // nothing ran: nothing was due, or what was is another's (a worker's, a report's) right now, whose commit fires
                if (!ran) wasPoller = awaitWork(mark);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                if (!running) return;
                Duration backoff = ReconcileBackoff.after(++errorsInARow);
                Duration wait = backoff.compareTo(CLAIM_RETRY_CAP) > 0 ? CLAIM_RETRY_CAP : backoff;
                if (errorsInARow == 1) log.warn("The {} worker cannot claim work (the database?); trying again, less often: {}", name, e.toString());
                else log.debug("The {} worker still cannot claim work ({} attempts); next in {} s: {}", name, errorsInARow, wait.toSeconds(), e.toString());
                sleepQuietly(wait);
            }
        }
    }

    /**
     * Waits for a fire after {@code mark}, or until this worker's next look for due work (sooner for the loop's poller);
     * whether it waited as the poller.
     */
    private boolean awaitWork(long mark) throws InterruptedException {
        boolean poller = pollerTaken.compareAndSet(false, true);
        try {
            signals.await(topic, mark, poller ? IDLE_WAIT : IDLE_WAIT_NOT_POLLING);
        } finally {
            if (poller) pollerTaken.set(false);
        }
        return poller;
    }

    /**
     * The loop's poller found work and is about to run a pass: unless an idle worker took the role meanwhile, one is
     * woken to take it, so that work due by time is still found within {@link #IDLE_WAIT} while
     * this one is busy, not only at the others' next look.
     */
    private void handOverPolling() {
        if (!pollerTaken.get()) signals.receive(topic);
    }

    /** Claims a batch through leases and runs a pass on each; whether there was any. */
    private boolean claimAndRun(boolean wasPoller) {
        if (!store.read(reconciler::anyDue)) return false;
        List<String> claimed = store.tx(tx -> reconciler.claimDue(tx, owner, lease, batch));
        // a fire wakes one idle worker: a full batch may have left more due, for the next one
        if (claimed.size() == batch) signals.fire(topic);
        else if (!claimed.isEmpty() && wasPoller) handOverPolling();
        for (String id : claimed) {
            if (!running) break;
            reconcileOne(id);
        }
        return !claimed.isEmpty();
    }

    /**
     * Takes the next due object from the loop's queue and runs its pass. A worker that finds the queue empty fills it
     * with a look at what is due, and wakes an idle worker for each object past its own: an object is in the queue or in
     * a pass once, so that this replica's workers do not try the same one (another replica's may: its pass skips it).
     * Whether a pass ran, or more is queued.
     */
    private boolean takeAndRun(boolean wasPoller) {
        String id = queue.poll();
        if (id == null) {
            int added = 0;
            // past the ones this replica's workers are passing, which are still due until they commit
            int look = batch + workers;
            for (String found : store.read(tx -> reconciler.claimDue(tx, owner, lease, look))) {
                if (queued.add(found)) {
                    queue.add(found);
                    added++;
                }
            }
            // the queue is this replica's: its idle workers are woken, the other replicas' are not told
            for (int i = 1; i < added; i++) signals.receive(topic);
            id = queue.poll();
            if (id == null) return false;
        }
        if (wasPoller) handOverPolling();
        try {
            return reconcileOne(id) || !queue.isEmpty();
        } finally {
            queued.remove(id);
        }
    }

    /** Runs a pass over the object (one that fails counts); false when it was no longer due. */
    private boolean reconcileOne(String uid) {
        Thread heartbeat = reconciler.holdsLeases() ? Thread.ofVirtual().name(name + "-lease-" + uid).start(() -> renewWhileRunning(uid)) : null;
        try {
            if (Reconciler.NOT_DUE.equals(reconciler.reconcile(uid, owner))) return false;
            passes.incrementAndGet();
            return true;
        } catch (RuntimeException e) {
            if (heartbeat != null) heartbeat.interrupt();
            int failures = store.tx(tx -> reconciler.failed(tx, uid, owner));
            Duration next = ReconcileBackoff.after(failures);
            if (failures <= 1) {
                log.warn("Reconciling {} failed; the next pass in {} s: {}", uid, next.toSeconds(), e.toString(), e);
            } else {
                log.warn("Reconciling {} failed {} times in a row; the next pass in {} s: {}", uid, failures, next.toSeconds(), e.toString());
            }
            try {
                store.run(tx -> reconciler.showFailure(tx, uid, e.toString(), failures));
            } catch (RuntimeException unshown) {
                log.debug("Could not show the failure on {}: {}", uid, unshown.toString());
            }
            return true;
        } finally {
            if (heartbeat != null) heartbeat.interrupt();
        }
    }

    /** Renews the lease on {@code id} every third of it until interrupted (the pass ended), so a long pass keeps its claim. */
    private void renewWhileRunning(String id) {
        Duration every = lease.dividedBy(3);
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(every.toMillis());
                if (!store.tx(tx -> reconciler.extendLease(tx, id, owner, lease))) return;
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.debug("Could not renew the lease on {} (the next try in {} ms): {}", id, every.toMillis(), e.toString());
            }
        }
    }

    /** How many reconcile passes this server's workers ran. */
    public long passes() {
        return passes.get();
    }

    private void sleepQuietly(Duration wait) {
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        threads.forEach(Thread::interrupt);
        for (Thread t : threads) {
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
