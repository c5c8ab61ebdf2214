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

    /**
     * Keys (cells, log requests) are counted in this many buckets, a key's by its hash: the counts stay bounded however
     * many keys come and go, and a fire wakes the waiters of its key's bucket (the others sharing it look and wait again).
     */
    static final int KEY_BUCKETS = 256;

    /** Where fires go besides this replica: {@code bucket} is a key's bucket, or {@link #ALL} for a fire for every waiter. */
    public interface Relay {
        void fired(Topic topic, int bucket);
    }

    /** The bucket of a fire for every waiter of its topic. */
    public static final int ALL = -1;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition[] conditions = new Condition[Topic.values().length];
    private final long[] counters = new long[Topic.values().length];
    /** Of {@link #counters}, the fires for every waiter of the topic (not for one key's). */
    private final long[] unkeyed = new long[Topic.values().length];
    /** Fires for one key's waiters (a cell's long polls, a log request's client), by topic and key bucket. */
    private final long[][] keyed = new long[Topic.values().length][KEY_BUCKETS];
    private volatile boolean closed;
    private volatile Relay relay = (topic, bucket) -> { };

    public Signals() {
        for (int i = 0; i < conditions.length; i++) conditions[i] = lock.newCondition();
    }

    /** Wakes this replica's waiters for the topic, and the other replicas' through the relay. */
    public void fire(Topic topic) {
        receive(topic);
        relay.fired(topic, ALL);
    }

    /**
     * Wakes the waiters of the topic for {@code key} (a cell: its long polls) and those waiting for the whole topic, on
     * this replica and, through the relay, on the others.
     */
    public void fire(Topic topic, String key) {
        if (topic.wakesOne) throw new IllegalArgumentException(topic + " wakes one worker at a time: its fires name no key");
        int bucket = bucket(key);
        receive(topic, bucket);
        relay.fired(topic, bucket);
    }

    /** The bucket a key is counted in (the same on every replica: {@link String#hashCode} is specified). */
    static int bucket(String key) {
        return Math.floorMod(key.hashCode(), KEY_BUCKETS);
    }

    /** Passes every fire on to {@code relay} too (to the other server replicas: {@code store.ReplicaSignals}). */
    public void relayTo(Relay relay) {
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

    /** A fire for the keys of {@code bucket} (from another replica, or from here): wakes their waiters, without relaying it. */
    void receive(Topic topic, int bucket) {
        if (topic.wakesOne || bucket < 0 || bucket >= KEY_BUCKETS) throw new IllegalArgumentException(topic + " has no key bucket " + bucket);
        lock.lock();
        try {
            counters[topic.ordinal()]++;
            keyed[topic.ordinal()][bucket]++;
            conditions[topic.ordinal()].signalAll();
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
        return unkeyed[topic.ordinal()] + keyed[topic.ordinal()][bucket(key)];
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
