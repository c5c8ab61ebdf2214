package dev.tenantry.server.signals;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Wake-ups after a commit: a cell's desired state changed (agents' long polls), events were appended (SSE streams), a
 * log request or a chunk of log came (agents' log polls, log clients),
 * reconciling was requested (instance reconcile workers), a rollout changed (rollout workers). Fired in this process and
 * relayed to the other server replicas (LISTEN/NOTIFY, {@code store.ReplicaSignals}). They only shorten waits: every
 * waiter re-reads the database and also wakes on its own timeout, so replicas converge even without the relay.
 */
public final class Signals {
    /**
     * {@code wakesOne}: a fire wakes one idle waiter, not all of them. For workers sharing a queue: one claims the due work
     * (and wakes the next if there is more, see {@code ReconcileLoop}); waking all would have the others claim nothing.
     */
    public enum Topic {
        CELLS(false), EVENTS(false), RECONCILE(true), ROLLOUTS(true), DATABASES(true), BACKUPS(true), LOGS(false), WEBHOOKS(true), LOG_CHUNKS(false);

        private final boolean wakesOne;

        Topic(boolean wakesOne) {
            this.wakesOne = wakesOne;
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition[] conditions = new Condition[Topic.values().length];
    private final long[] counters = new long[Topic.values().length];
    /** Of {@link #counters}, the fires for every waiter of the topic (not for one key's). */
    private final long[] unkeyed = new long[Topic.values().length];
    /** Fires for one key's waiters (a cell's long polls), by topic and key. */
    private final java.util.Map<Topic, java.util.Map<String, Long>> keyed = new java.util.EnumMap<>(Topic.class);
    private volatile boolean closed;
    private volatile java.util.function.Consumer<Topic> relay = topic -> { };

    public Signals() {
        for (int i = 0; i < conditions.length; i++) conditions[i] = lock.newCondition();
    }

    /** Wakes this replica's waiters for the topic, and the other replicas' through the relay. */
    public void fire(Topic topic) {
        receive(topic);
        relay.accept(topic);
    }

    /**
     * Wakes this replica's waiters of the topic for {@code key} (a cell: its long polls) and those waiting for the whole
     * topic; the other replicas', which do not know the key, all of them.
     */
    public void fire(Topic topic, String key) {
        if (topic.wakesOne) throw new IllegalArgumentException(topic + " wakes one worker at a time: its fires name no key");
        lock.lock();
        try {
            counters[topic.ordinal()]++;
            keyed.computeIfAbsent(topic, t -> new java.util.HashMap<>()).merge(key, 1L, Long::sum);
            conditions[topic.ordinal()].signalAll();
        } finally {
            lock.unlock();
        }
        relay.accept(topic);
    }

    /** Passes every fire on to {@code relay} too (to the other server replicas: {@code store.ReplicaSignals}). */
    public void relayTo(java.util.function.Consumer<Topic> relay) {
        this.relay = relay;
    }

    /** A fire from another replica: wakes this replica's waiters, without relaying it back. */
    public void receive(Topic topic) {
        lock.lock();
        try {
            counters[topic.ordinal()]++;
            unkeyed[topic.ordinal()]++;
            if (topic.wakesOne) conditions[topic.ordinal()].signal();
            else conditions[topic.ordinal()].signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** A number that changes whenever the topic fires; pass it to {@link #await} to never miss a fire. */
    public long mark(Topic topic) {
        lock.lock();
        try {
            return counters[topic.ordinal()];
        } finally {
            lock.unlock();
        }
    }

    /** A number that changes whenever the topic fires for {@code key} or for all; pass it to {@link #await(Topic, String, long, Duration)}. */
    public long mark(Topic topic, String key) {
        lock.lock();
        try {
            return keyedCount(topic, key);
        } finally {
            lock.unlock();
        }
    }

    private long keyedCount(Topic topic, String key) {
        return unkeyed[topic.ordinal()] + keyed.getOrDefault(topic, java.util.Map.of()).getOrDefault(key, 0L);
    }

    /** Waits until the topic fires after {@code mark} or the timeout passes; throws once the server is closing. */
    public void await(Topic topic, long mark, Duration timeout) throws InterruptedException {
        awaitUntilChanged(topic, () -> counters[topic.ordinal()], mark, timeout);
    }

    /** Waits until the topic fires for {@code key} (or for all) after {@code mark}, or the timeout passes; fires for other keys do not end it. */
    public void await(Topic topic, String key, long mark, Duration timeout) throws InterruptedException {
        awaitUntilChanged(topic, () -> keyedCount(topic, key), mark, timeout);
    }

    private void awaitUntilChanged(Topic topic, java.util.function.LongSupplier count, long mark, Duration timeout) throws InterruptedException {
        long nanos = timeout.toNanos();
        lock.lock();
        try {
            while (count.getAsLong() == mark && nanos > 0) {
                if (closed) throw new InterruptedException("the server is shutting down");
                nanos = conditions[topic.ordinal()].awaitNanos(nanos);
            }
            if (closed) throw new InterruptedException("the server is shutting down");
        } finally {
            lock.unlock();
        }
    }

    /** How many threads wait for the topic to fire now. */
    int waiting(Topic topic) {
        lock.lock();
        try {
            return lock.getWaitQueueLength(conditions[topic.ordinal()]);
        } finally {
            lock.unlock();
        }
    }

    /** Wakes every waiter for good: long polls and streams end so that the server can stop. */
    public void close() {
        lock.lock();
        try {
            closed = true;
            for (Condition c : conditions) c.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
