package dev.tenantry.agent.driver;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.function.LongSupplier;

/**
 * Paces a cell's replica starts: at most {@code concurrency} replicas are starting (launched, not healthy yet) at
 * once, in the order they asked. Fifty workloads launched together on two cores share them and all become
 * healthy late, together; started a few at a time, each starts fast and the first ones serve seconds earlier, while
 * the last one is ready about as late. A replica gives its slot back when it is healthy, when it exits, when it has
 * used less than a fifth of a core over half a second (it waits for something rather than computes, and need not
 * hold the others back), or after {@code hold} at the latest. Zero concurrency: no pacing.
 */
final class StartSlots {
    static final Duration IDLE_WINDOW = Duration.ofMillis(500);
    private static final double STARTUP_PROBE_MIN_MILLIS = 5;
    private static final long STARTUP_PROBE_MAX_MILLIS = 100;
    /** The probes of all the cell's starting replicas together: about this many a second at most. */
    private static final double STARTUP_PROBES_PER_SECOND = 400;

    private final Semaphore permits;
    private final Duration hold;
    private final java.util.concurrent.atomic.AtomicInteger held = new java.util.concurrent.atomic.AtomicInteger();

    StartSlots(int concurrency, Duration hold) {
        this.permits = concurrency > 0 ? new Semaphore(concurrency, true) : null;
        this.hold = hold;
    }

    /** A slot at once, or null if the replica has to wait for one (then {@link #await}). */
    Slot tryTake() {
        if (permits == null) return new Slot(null, hold, held);
        return permits.tryAcquire() ? new Slot(permits, hold, held) : null;
    }

    /** Waits for a slot, first come first served (interrupted: the replica is being stopped). */
    Slot await() throws InterruptedException {
        if (permits == null) return new Slot(null, hold, held);
        permits.acquire();
        return new Slot(permits, hold, held);
    }

    /** How many replicas hold a slot (are starting) now. */
    int starting() {
        return held.get();
    }

    /** How long a replica that has been starting for {@code startingNanos} waits before its next check, now. */
    Duration nextProbeDelay(long startingNanos) {
        return startupProbeDelay(startingNanos, starting());
    }

    /**
     * How long to wait before the next check of a replica that has not been healthy yet: a fortieth of the time it has
     * been starting, at least 5 ms and at most 100 ms, and never so short that the cell's {@code startingReplicas}
     * together probe more than {@value #STARTUP_PROBES_PER_SECOND} times a second. With starts paced a few at a time a
     * replica is seen healthy within 5 ms, which matters because the next start waits for it; a slow start (a busy
     * cell) costs a few dozen probes instead of hundreds, and probes run at the agent's priority, above the workloads
     * they wait for.
     */
    static Duration startupProbeDelay(long startingNanos, int startingReplicas) {
        double floor = Math.max(STARTUP_PROBE_MIN_MILLIS, startingReplicas * 1000.0 / STARTUP_PROBES_PER_SECOND);
        double millis = Math.min(STARTUP_PROBE_MAX_MILLIS, Math.max(floor, startingNanos / 40_000_000.0));
        return Duration.ofNanos((long) (millis * 1_000_000));
    }

    /** How many replicas are waiting for a slot. */
    int waiting() {
        return permits == null ? 0 : permits.getQueueLength();
    }

    /** One replica's start slot; giving it back twice gives it back once. */
    static final class Slot {
        private final Semaphore permits;
        private final java.util.concurrent.atomic.AtomicInteger held;
        private final long takenAt = System.nanoTime();
        private final long holdNanos;
        private long windowStart = -1;
        private long windowCpu;
        private boolean released;

        private Slot(Semaphore permits, Duration hold, java.util.concurrent.atomic.AtomicInteger held) {
            this.permits = permits;
            this.holdNanos = hold.toNanos();
            this.held = held;
            held.incrementAndGet();
        }

        /** Whether the replica has held the slot for as long as it may. */
        boolean expired() {
            return System.nanoTime() - takenAt >= holdNanos;
        }

        /**
         * Called at each check of the starting replica with the CPU time its process used so far (nanoseconds, read
         * only when a window ends; negative: unknown, never idle): true once a whole {@link #IDLE_WINDOW} passed in
         * which it used less than a fifth of a core.
         */
        boolean idle(LongSupplier cpuNanos, long nowNanos) {
            if (windowStart >= 0 && nowNanos - windowStart < IDLE_WINDOW.toNanos()) return false;
            long cpu = cpuNanos.getAsLong();
            if (cpu < 0) return false;
            boolean idle = windowStart >= 0 && (cpu - windowCpu) * 5 < nowNanos - windowStart;
            windowStart = nowNanos;
            windowCpu = cpu;
            return idle;
        }

        synchronized void release() {
            if (released) return;
            released = true;
            held.decrementAndGet();
            if (permits != null) permits.release();
        }
    }
}
