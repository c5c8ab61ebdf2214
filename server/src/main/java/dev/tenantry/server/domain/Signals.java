package dev.tenantry.server.domain;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * In-process wake-ups after a commit: a cell's desired state changed (agents' long polls), events were
 * appended (SSE streams), reconciling was requested (instance reconcile workers), a rollout changed (rollout workers). They only shorten waits:
 * every waiter re-reads the database and also wakes on its own timeout, so replicas that share the
 * database but not this object still converge.
 */
public final class Signals {
    public enum Topic { CELLS, EVENTS, RECONCILE, ROLLOUTS }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition[] conditions = new Condition[Topic.values().length];
    private final long[] counters = new long[Topic.values().length];
    private volatile boolean closed;

    public Signals() {
        for (int i = 0; i < conditions.length; i++) conditions[i] = lock.newCondition();
    }

    public void fire(Topic topic) {
        lock.lock();
        try {
            counters[topic.ordinal()]++;
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

    /** Waits until the topic fires after {@code mark} or the timeout passes; throws once the server is closing. */
    public void await(Topic topic, long mark, Duration timeout) throws InterruptedException {
        long nanos = timeout.toNanos();
        lock.lock();
        try {
            while (counters[topic.ordinal()] == mark && nanos > 0) {
                if (closed) throw new InterruptedException("the server is shutting down");
                nanos = conditions[topic.ordinal()].awaitNanos(nanos);
            }
            if (closed) throw new InterruptedException("the server is shutting down");
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
