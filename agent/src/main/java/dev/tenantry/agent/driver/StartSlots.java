package dev.tenantry.agent.driver;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.function.LongSupplier;

/**
 * Paces a cell's replica starts: at most {@code concurrency} replicas are starting (launched, not healthy yet) at
 * once, in the order they asked. A replica first takes a {@link Turn}, then prepares its launch (directories, control
 * groups), then waits for its slot: at most {@value #PREPARED_AHEAD} times {@code concurrency} replicas hold a turn, so
 * that the next ones are prepared while others start, and a burst of new instances does not prepare all of them at once
 * (work for the last in the queue, done while the first ones start, slows those starts). Fifty workloads launched
 * together on two cores share them and all become healthy late, together; started a few at a time, each starts fast and the first ones serve seconds earlier, while
 * the last one is ready about as late. A replica gives its slot back when it is healthy, when it exits, when it has
 * used less than a fifth of a core over half a second (it waits for something rather than computes, and need not
 * hold the others back), or after {@code hold} at the latest. Zero concurrency: no pacing. A starting replica is
 * checked when it writes to its log ({@link #output}) and otherwise on a timer ({@link #nextProbeDelay}), rarely once
 * the last start of the same command was found healthy at a check its log prompted ({@link #learn}).
 */
final class StartSlots {
    static final Duration IDLE_WINDOW = Duration.ofMillis(500);
    private static final double STARTUP_PROBE_MIN_MILLIS = 5;
    /** The shortest delay for a replica whose writes to its log are told: most are checked at their "listening" line. */
    private static final double TOLD_STARTUP_PROBE_MIN_MILLIS = 20;
    private static final long STARTUP_PROBE_MAX_MILLIS = 100;
    /** How many commands' ways of starting are remembered; forgotten all at once beyond (relearned at their next start). */
    private static final int MAX_COMMANDS = 1000;
    /** The probes of all the cell's starting replicas together: about this many a second at most. */
    private static final double STARTUP_PROBES_PER_SECOND = 400;

    /** Turns per start slot: one for the replica starting, one for the next, prepared while it waits. */
    static final int PREPARED_AHEAD = 2;

    private final Semaphore permits;
    private final Semaphore turns;
    private final Duration hold;
    private final java.util.concurrent.atomic.AtomicInteger held = new java.util.concurrent.atomic.AtomicInteger();
    private final OutputWatch output;
    /** The commands whose last replica to start was found healthy at a check its log write prompted. */
    private final java.util.Set<java.util.List<String>> announcing = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * How a starting replica's log is watched, which sets how often the timer checks it: not at all (the timer
     * alone), told (each write prompts a check), or told for a command whose last start announced it listened with a
     * write (then the timer is only there for a start that does not).
     */
    enum StartupLog { UNWATCHED, TOLD, ANNOUNCES }

    StartSlots(int concurrency, Duration hold) {
        this(concurrency, hold, OutputWatch.NONE);
    }

    /** {@code output}: tells a starting replica's supervisor when the replica writes to its log. */
    StartSlots(int concurrency, Duration hold, OutputWatch output) {
        this.permits = concurrency > 0 ? new Semaphore(concurrency, true) : null;
        this.turns = concurrency > 0 ? new Semaphore(concurrency * PREPARED_AHEAD, true) : null;
        this.hold = hold;
        this.output = output;
    }

    OutputWatch output() {
        return output;
    }

    /** A turn to prepare a launch at once, or null if the replica has to wait for one (then {@link #awaitTurn}). */
    Turn tryTakeTurn() {
        if (turns == null) return new Turn(null);
        return turns.tryAcquire() ? new Turn(turns) : null;
    }

    /** Waits for a turn to prepare a launch, first come first served (interrupted: the replica is being stopped). */
    Turn awaitTurn() throws InterruptedException {
        if (turns == null) return new Turn(null);
        turns.acquire();
        return new Turn(turns);
    }

    /** A slot at once without a turn (for tests), or null. */
    Slot tryTake() {
        return tryTake(new Turn(null));
    }

    /** A slot at once for the holder of {@code turn}, or null if the replica has to wait for one (then {@link #await}). */
    Slot tryTake(Turn turn) {
        if (permits == null) return new Slot(null, turn, hold, held);
        return permits.tryAcquire() ? new Slot(permits, turn, hold, held) : null;
    }

    /** Waits for a slot without a turn (for tests). */
    Slot await() throws InterruptedException {
        return await(new Turn(null));
    }

    /** Waits for a slot for the holder of {@code turn}, first come first served (interrupted: the replica is being stopped). */
    Slot await(Turn turn) throws InterruptedException {
        if (permits == null) return new Slot(null, turn, hold, held);
        permits.acquire();
        return new Slot(permits, turn, hold, held);
    }

    /** How many replicas hold a slot (are starting) now. */
    int starting() {
        return held.get();
    }

    /** How long a replica that has been starting for {@code startingNanos} waits before its next check, now. */
    Duration nextProbeDelay(long startingNanos, StartupLog log) {
        return startupProbeDelay(startingNanos, starting(), log);
    }

    /**
     * Notes how a replica started with {@code command} (a release's component, as the instance runs it) whose log
     * writes were told was found healthy: at a check one of its writes prompted ({@code announced}), or at the timer's.
     */
    void learn(java.util.List<String> command, boolean announced) {
        if (!announced) {
            announcing.remove(command);
            return;
        }
        if (announcing.size() >= MAX_COMMANDS) announcing.clear();
        announcing.add(java.util.List.copyOf(command));
    }

    /** How a replica started with {@code command} is watched as it starts, given whether its log writes are {@code told}. */
    StartupLog startupLog(java.util.List<String> command, boolean told) {
        return !told ? StartupLog.UNWATCHED : announcing.contains(command) ? StartupLog.ANNOUNCES : StartupLog.TOLD;
    }

    /**
     * How long to wait before the next check of a replica that has not been healthy yet: a fortieth of the time it has
     * been starting, at least 5 ms and at most 100 ms, and never so short that the cell's {@code startingReplicas}
     * together probe more than {@value #STARTUP_PROBES_PER_SECOND} times a second. With starts paced a few at a time a
     * replica is seen healthy within 5 ms, which matters because the next start waits for it; a slow start (a busy
     * cell) costs a few dozen probes instead of hundreds, and probes run at the agent's priority, above the workloads
     * they wait for. A replica whose log writes are told is checked at each write, and between them at least
     * {@value #TOLD_STARTUP_PROBE_MIN_MILLIS} ms apart: a fifth of the checks, most of which would fail; one whose
     * command announced its last start with a write, every {@value #STARTUP_PROBE_MAX_MILLIS} ms: its write will
     * prompt the check that finds it healthy, and checks before it would all fail.
     */
    static Duration startupProbeDelay(long startingNanos, int startingReplicas, StartupLog log) {
        double least = switch (log) {
            case UNWATCHED -> STARTUP_PROBE_MIN_MILLIS;
            case TOLD -> TOLD_STARTUP_PROBE_MIN_MILLIS;
            case ANNOUNCES -> STARTUP_PROBE_MAX_MILLIS;
        };
        double floor = Math.max(least, startingReplicas * 1000.0 / STARTUP_PROBES_PER_SECOND);
        double millis = Math.min(STARTUP_PROBE_MAX_MILLIS, Math.max(floor, startingNanos / 40_000_000.0));
        return Duration.ofNanos((long) (millis * 1_000_000));
    }

    /** How many replicas are waiting for a slot or a turn. */
    int waiting() {
        return permits == null ? 0 : permits.getQueueLength() + turns.getQueueLength();
    }

    /** A replica's turn to prepare its launch and then wait for a slot; given back with the slot, or alone if no slot was taken. */
    static final class Turn {
        private final Semaphore turns;
        private boolean released;

        private Turn(Semaphore turns) {
            this.turns = turns;
        }

        synchronized void release() {
            if (released) return;
            released = true;
            if (turns != null) turns.release();
        }
    }

    /** One replica's start slot, with its turn; giving it back twice gives it back once. */
    static final class Slot {
        private final Semaphore permits;
        private final Turn turn;
        private final java.util.concurrent.atomic.AtomicInteger held;
        private final long takenAt = System.nanoTime();
        private final long holdNanos;
        private long windowStart = -1;
        private long windowCpu;
        private boolean released;

        private Slot(Semaphore permits, Turn turn, Duration hold, java.util.concurrent.atomic.AtomicInteger held) {
            this.permits = permits;
            this.turn = turn;
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
            turn.release();
        }
    }
}
