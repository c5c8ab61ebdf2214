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
 * hold the others back), or after {@code hold} at the latest. Zero concurrency: no pacing. A starting replica is
 * checked when it writes to its log ({@link #output}) and otherwise on a timer ({@link #nextProbeDelay}).
 */
final class StartSlots {
    static final Duration IDLE_WINDOW = Duration.ofMillis(500);
    private static final double STARTUP_PROBE_MIN_MILLIS = 5;
    /** The shortest delay for a replica whose writes to its log are told: most are checked at their "listening" line. */
    private static final double TOLD_STARTUP_PROBE_MIN_MILLIS = 20;
    private static final long STARTUP_PROBE_MAX_MILLIS = 100;
    /** The probes of all the cell's starting replicas together: about this many a second at most. */
    private static final double STARTUP_PROBES_PER_SECOND = 400;

    private final Semaphore permits;
    private final Duration hold;
    private final java.util.concurrent.atomic.AtomicInteger held = new java.util.concurrent.atomic.AtomicInteger();
    private final OutputWatch output;

    StartSlots(int concurrency, Duration hold) {
        this(concurrency, hold, OutputWatch.NONE);
    }

    /** {@code output}: tells a starting replica's supervisor when the replica writes to its log. */
    StartSlots(int concurrency, Duration hold, OutputWatch output) {
        this.permits = concurrency > 0 ? new Semaphore(concurrency, true) : null;
        this.hold = hold;
        this.output = output;
    }

    OutputWatch output() {
        return output;
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

    /**
     * How long a replica that has been starting for {@code startingNanos} waits before its next check, now; {@code told}:
     * whether its writes to its log are told (then it is also checked at each).
     */
    Duration nextProbeDelay(long startingNanos, boolean told) {
        return startupProbeDelay(startingNanos, starting(), told);
    }

    /**
     * How long to wait before the next check of a replica that has not been healthy yet: a fortieth of the time it has
     * been starting, at least 5 ms and at most 100 ms, and never so short that the cell's {@code startingReplicas}
     * together probe more than {@value #STARTUP_PROBES_PER_SECOND} times a second. With starts paced a few at a time a
     * replica is seen healthy within 5 ms, which matters because the next start waits for it; a slow start (a busy
     * cell) costs a few dozen probes instead of hundreds, and probes run at the agent's priority, above the workloads
     * they wait for. A replica whose log writes are {@code told} is checked at each write, and between them at least
     * {@value #TOLD_STARTUP_PROBE_MIN_MILLIS} ms apart: a fifth of the checks, most of which would fail.
     */
    static Duration startupProbeDelay(long startingNanos, int startingReplicas, boolean told) {
        double floor = Math.max(told ? TOLD_STARTUP_PROBE_MIN_MILLIS : STARTUP_PROBE_MIN_MILLIS, startingReplicas * 1000.0 / STARTUP_PROBES_PER_SECOND);
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
