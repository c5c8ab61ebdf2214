package dev.tenantry.agent.driver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one replica process running: starts it (in its own session, so that it outlives a terminal, the
 * agent, and can be stopped as a group) or adopts the one an earlier agent started, checks its health,
 * restarts it with exponential backoff when it exits, and stops it gracefully (SIGTERM, then SIGKILL after
 * the grace period). Its {@link ReplicaState} file says what runs, for the next agent to adopt.
 */
final class ReplicaSupervisor {
    private static final Logger log = LoggerFactory.getLogger(ReplicaSupervisor.class);
    private static final Duration NO_CHECK_SETTLE = Duration.ofMillis(500);
    static final String WAITING_TO_START = "waiting to start: the cell is starting other replicas";

    enum State { STARTING, HEALTHY, UNHEALTHY, FAILED, STOPPED }

    /** {@code queued}: waiting for a start slot (its message says so; it is the replica's to say, not the instance's). */
    record Snapshot(State state, Long pid, int restarts, String message, Instant startedAt, Instant healthySince, boolean queued) {}

    private final ReplicaSpec spec;
    private final ReplicaChanges onChange;
    private final StartSlots startSlots;
    private final CgroupLimits limits;
    /** The control groups of the last launch (or of one prepared): written by the supervising thread, read by {@link #stop} too. */
    private volatile CgroupLimits.Group group;
    /** The kernel's memory kills in those groups before the launch (supervising thread only). */
    private long oomKillsBefore;
    private final ReplicaState adopted;
    private final Object lock = new Object();
    private Thread thread;
    private volatile boolean stopping;
    private volatile boolean draining;
    private volatile boolean detached;
    /** Adopted and not probed yet: the previous agent's gateway routed to it, so routes keep it until the first check says otherwise. */
    private volatile boolean vouchedFor;
    /** The start slot of the process being started (the supervising thread only): given back once it is healthy. */
    private StartSlots.Slot startSlot;
    /** Whether the last watched process was stopped for not becoming healthy in time (the supervising thread only). */
    private boolean startupTimedOut;
    private volatile Duration stopGrace = Duration.ofSeconds(10);
    private ProcessHandle process;
    /** The process this agent started (null if adopted): its liveness is known without asking the kernel. */
    private Process child;
    private State state = State.STARTING;
    private int restarts;
    private String message;
    private Instant startedAt;
    private Instant healthySince;
    private boolean queued;
    /** The message a queued replica shows again once it leaves the queue with its launch (supervising thread only). */
    private String messageAfterQueue;

    /** {@code startSlots}: the cell's, which pace its replicas' starts. */
    ReplicaSupervisor(ReplicaSpec spec, ReplicaChanges onChange, StartSlots startSlots) {
        this(spec, onChange, startSlots, CgroupLimits.NONE, null);
    }

    ReplicaSupervisor(ReplicaSpec spec, ReplicaChanges onChange, StartSlots startSlots, CgroupLimits limits) {
        this(spec, onChange, startSlots, limits, null);
    }

    /** A supervisor that first takes over the running process {@code adopted} describes (if it still runs). */
    ReplicaSupervisor(ReplicaSpec spec, ReplicaChanges onChange, StartSlots startSlots, CgroupLimits limits, ReplicaState adopted) {
        this.spec = spec;
        this.onChange = onChange;
        this.startSlots = startSlots;
        this.limits = limits;
        this.adopted = adopted;
    }

    ReplicaSpec spec() {
        return spec;
    }

    void start() {
        thread = Thread.ofVirtual().name("replica-" + spec.instanceUid() + "-" + spec.name()).start(this::superviseLoop);
    }

    Snapshot snapshot() {
        synchronized (lock) {
            boolean alive = child != null ? child.isAlive() : process != null && process.isAlive();
            return new Snapshot(state, alive ? process.pid() : null, restarts, message, alive ? startedAt : null, alive ? healthySince : null,
                    queued);
        }
    }

    private void superviseLoop() {
        Restarts afterExit = new Restarts();
        Optional<WatchedProcess> adoptedProcess = adopt();
        while (!stopping) {
            WatchedProcess p;
            if (adoptedProcess.isPresent()) {
                p = adoptedProcess.get();
                adoptedProcess = Optional.empty();
            } else {
                Optional<Path> executable = Executables.resolve(spec.command().get(0), spec.workingDir());
                if (executable.isEmpty()) {
                    set(State.FAILED, "command not found: " + spec.command().get(0));
                    if (!pause(Restarts.MAX_BACKOFF)) return;
                    continue;
                }
                StartSlots.Turn turn = takeTurn();
                if (turn == null) return;
                ProcessBuilder prepared;
                try {
                    prepared = prepare();
                } catch (IOException | RuntimeException e) {
                    turn.release();
                    leaveQueue();
                    removeGroup();
                    set(State.FAILED, "cannot start " + spec.command().get(0) + ": " + e.getMessage());
                    if (!pause(Restarts.MAX_BACKOFF)) return;
                    continue;
                }
                startSlot = takeStartSlot(turn);
                if (startSlot == null) {
                    removeGroup();
                    return;
                }
                try {
                    p = launch(prepared);
                } catch (IOException | RuntimeException e) {
                    // a launch that failed in any way gives its start slot back: else the cell starts one fewer at a time, for good
                    releaseStartSlot();
                    leaveQueue();
                    removeGroup();
                    set(State.FAILED, "cannot start " + spec.command().get(0) + ": " + e.getMessage());
                    if (!pause(Restarts.MAX_BACKOFF)) return;
                    continue;
                }
            }
            startupTimedOut = false;
            boolean becameHealthy;
            try {
                becameHealthy = watch(p);
            } finally {
                releaseStartSlot();
            }
            if (stopping) {
                // stop() may have run between the launch and the moment the process became visible to it
                if (!detached) {
                    terminate(p.handle(), stopGrace);
                    endLaunch();
                }
                return;
            }
            String reason = startupTimedOut ? "not healthy within " + spec.health().startupTimeoutOrDefault() + " s of its start; stopped"
                    : overMemory() ? "stopped by the kernel: over its memory limit of " + group.size().memoryMb() + " MiB (" + p.exit() + ")"
                    : p.exit() + WatchedProcess.lastLine(spec.logFile()).map(l -> ": " + l).orElse("");
            endLaunch();
            synchronized (lock) {
                restarts++;
            }
            onChange.changed();
            log.info("Replica {} of {} {}; restarting", spec.name(), spec.instanceUid(), reason);
            Restarts.Next next = afterExit.ended(becameHealthy, reason);
            set(next.state(), next.message());
            if (!pause(next.backoff())) return;
        }
    }

    /**
     * A turn to prepare a launch, waiting for one while others start (and saying so, unless the replica has failed: its
     * failure stays what it shows); null if stopped meanwhile.
     */
    private StartSlots.Turn takeTurn() {
        StartSlots.Turn turn = startSlots.tryTakeTurn();
        if (turn != null) return turn;
        queue();
        try {
            turn = startSlots.awaitTurn();
        } catch (InterruptedException e) {
            return null;
        }
        if (stopping) {
            turn.release();
            return null;
        }
        return turn;
    }

    /** The start slot for the holder of {@code turn}, waiting for one while others start; null if stopped meanwhile (the turn given back). */
    private StartSlots.Slot takeStartSlot(StartSlots.Turn turn) {
        StartSlots.Slot slot = startSlots.tryTake(turn);
        if (slot != null) return slot;
        queue();
        try {
            slot = startSlots.await(turn);
        } catch (InterruptedException e) {
            turn.release();
            return null;
        }
        if (stopping) {
            slot.release();
            return null;
        }
        return slot;
    }

    /** Says it waits to start, unless it says so already or has failed (its failure stays what it shows). */
    private void queue() {
        State previousState;
        String previous;
        synchronized (lock) {
            if (queued) return;
            previousState = state;
            previous = message;
        }
        if (previousState != State.FAILED) {
            messageAfterQueue = previous;
            if (enterQueue()) onChange.noted();
        }
    }

    /**
     * Leaves the queue for a start slot, its message back to what it was before ({@code messageAfterQueue}): done with
     * the launch, under the same lock, so that no observation shows a replica that is neither waiting nor launched (a
     * report of its own, each start, for a state that lasts a few milliseconds). Supervising thread only.
     */
    private void leaveQueue() {
        synchronized (lock) {
            if (!queued) return;
            queued = false;
            update(State.STARTING, messageAfterQueue);
        }
    }

    /** Says it waits for a start slot, with its message; true if that changed what it shows. */
    private boolean enterQueue() {
        synchronized (lock) {
            queued = true;
        }
        return update(State.STARTING, WAITING_TO_START);
    }

    /**
     * Stops the replica's process and what it started: the members of its control group when it has one (read from the
     * group, where a look for the process's descendants reads every process of the machine), else its process tree.
     */
    private void terminate(ProcessHandle root, Duration grace) {
        CgroupLimits.Group g = group;
        if (g == null) WatchedProcess.terminate(root, grace);
        else WatchedProcess.terminateAll(WatchedProcess.rootFirst(root, g.processes()), grace);
    }

    /** Stops what is left in the control groups of the last launch (or of one prepared and not launched) and removes them, if any. */
    private void removeGroup() {
        if (group != null) group.stopLeftoversAndRemove(stopGrace);
    }

    /**
     * Once the replica's own process has ended or been stopped (never when the agent leaves it running: detach), stops
     * what the launch left outside its tree (daemons), found by its control groups where sizes are enforced, else by
     * its marker in their environment, and removes the groups.
     */
    private void endLaunch() {
        if (group != null) removeGroup();
        else WatchedProcess.stopAllFound(() -> OrphanSweep.leftBy(spec), stopGrace, "replica " + spec.name() + " of " + spec.instanceUid() + " left running");
    }

    /** Whether the kernel killed the process that just ended for going over its memory limit. */
    private boolean overMemory() {
        return group != null && group.oomKills() > oomKillsBefore;
    }

    private void releaseStartSlot() {
        if (startSlot == null) return;
        startSlot.release();
        startSlot = null;
        if (group != null) group.weighCpu(CgroupLimits.NORMAL_SHARES);
    }

    /** The running process of an earlier agent, if this supervisor was given one and it still runs. */
    private Optional<WatchedProcess> adopt() {
        if (adopted == null) return Optional.empty();
        Optional<ProcessHandle> live = adopted.liveProcess();
        if (live.isEmpty()) return Optional.empty();
        log.info("Adopted replica {} of {} (pid {})", spec.name(), spec.instanceUid(), adopted.pid());
        try {
            adopted.write(spec.stateFile());
        } catch (IOException e) {
            log.warn("Could not write the state file {}: {}", spec.stateFile(), e.getMessage());
        }
        synchronized (lock) {
            process = live.get();
            child = null;
            startedAt = adopted.startedAt();
            healthySince = null;
        }
        vouchedFor = true;
        onChange.changed();
        return Optional.of(new WatchedProcess(live.get(), null));
    }

    /**
     * Everything a launch needs but the launch itself: the instance's directories, the replica's control groups (weighed
     * as a start: the process joins them only once it holds a slot) and its command and environment. Done with a turn,
     * before the replica waits for a start slot, so that a slot is held only from the launch on: the next start in the
     * cell's queue does not wait for directories and groups being made.
     */
    private ProcessBuilder prepare() throws IOException {
        InstanceDirectories.create(spec.instanceDir(), spec.agentDirectories(), spec.workloadDirectories(), spec.user());
        group = limits.groupFor(spec, spec.size()).orElse(null);
        if (group != null) group.weighCpu(CgroupLimits.STARTING_SHARES);
        oomKillsBefore = group == null ? 0 : group.oomKills();
        return Launcher.processBuilder(spec, group == null ? List.of() : group.procsFiles());
    }

    private WatchedProcess launch(ProcessBuilder pb) throws IOException {
        Instant launched = Instant.now();
        Process p = pb.start();
        ProcessHandle handle = p.toHandle();
        try {
            new ReplicaState(spec.instanceUid(), spec.component(), spec.index(), spec.generation(), p.pid(),
                    handle.info().startInstant().orElse(null), launched, spec.ports(), spec.template(), spec.release()).write(spec.stateFile());
        } catch (IOException | RuntimeException e) {
            // a process not on record (a stop's interrupt closes the file being written) would run on, unseen: it goes with its launch
            terminate(handle, Duration.ZERO);
            throw e;
        }
        synchronized (lock) {
            leaveQueue();
            process = handle;
            child = p;
            startedAt = launched;
            healthySince = null;
        }
        onChange.noted();
        return new WatchedProcess(handle, p);
    }

    /** Health-checks the process until it exits or the replica is stopped; returns whether it ever became healthy. */
    private boolean watch(WatchedProcess p) {
        // a starting replica is checked when it writes to its log, as most servers do once they listen
        try (OutputWatch.Registration output = spec.health() == null || vouchedFor ? null : startSlots.output().watch(spec.logFile(), p::wakeUp)) {
            return watch(p, output);
        }
    }

    private boolean watch(WatchedProcess p, OutputWatch.Registration output) {
        boolean everHealthy = false;
        int failures = 0;
        long started = System.nanoTime();
        StartSlots.StartupLog startupLog = startSlots.startupLog(spec.command(), output != null && output.watching());
        // a start announced with a write is not checked at its launch, when it cannot listen yet
        boolean checkNow = startupLog != StartSlots.StartupLog.ANNOUNCES;
        boolean learning = startupLog != StartSlots.StartupLog.UNWATCHED && spec.health() != null;
        // the log's size before the last check that found it starting: a start found healthy after its log grew announced itself
        long logBeforeLastCheck = learning ? logSize() : -1;
        while (!stopping && p.isAlive()) {
            boolean ok;
            boolean prompted = p.takeWritten();
            long logBeforeCheck = learning && !everHealthy ? logSize() : -1;
            if (spec.health() == null) {
                // without a health check a replica is healthy once it has stayed up a moment (or was adopted), for as long as it runs
                ok = everHealthy || vouchedFor || System.nanoTime() - started >= NO_CHECK_SETTLE.toNanos();
            } else {
                ok = (checkNow || prompted) && HealthProbe.check(spec.health(), spec.ports().get(spec.health().port()));
            }
            checkNow = true;
            if (stopping || !p.isAlive()) break;
            if (!ok && !everHealthy && spec.health() != null
                    && System.nanoTime() - started >= Duration.ofSeconds(spec.health().startupTimeoutOrDefault()).toNanos()) {
                startupTimedOut = true;
                terminate(p.handle(), stopGrace);
                break;
            }
            if (ok) {
                failures = 0;
                if (!everHealthy) {
                    synchronized (lock) {
                        healthySince = Instant.now();
                    }
                    // a write told while the check ran (its line came just before the check, its notice during it) counts
                    // too, and so does one whose notice has not come yet (a busy machine): the log grew since the last check
                    if (learning) startSlots.learn(spec.command(), prompted || p.takeWritten() || logSize() > logBeforeLastCheck);
                }
                everHealthy = true;
                if (output != null) output.close();
                set(State.HEALTHY, null);
            } else if (!everHealthy) {
                logBeforeLastCheck = logBeforeCheck;
            } else if (++failures >= spec.health().failureThresholdOrDefault()) {
                set(State.UNHEALTHY, "health check failing " + failures + " times in a row");
            }
            // only after healthySince is recorded: the next start must not begin before this one's health is on record
            if (startSlot != null && (ok || startSlot.expired() || startSlot.idle(p::cpuNanos, System.nanoTime()))) releaseStartSlot();
            if (vouchedFor && !ok) onChange.changed(); // it no longer serves: routes change
            vouchedFor = false; // only now: the state above already says whether it serves
            Duration wait = !everHealthy || spec.health() == null ? startSlots.nextProbeDelay(System.nanoTime() - started, startupLog)
                    : Duration.ofMillis(spec.health().intervalOrDefault());
            try {
                if (p.awaitExit(wait.toMillis())) break;
            } catch (InterruptedException e) {
                if (stopping) break;
            }
        }
        return everHealthy;
    }

    /** The size of the replica's log now (-1 when it cannot be read). */
    private long logSize() {
        try {
            return Files.size(spec.logFile());
        } catch (IOException e) {
            return -1;
        }
    }

    /** Stops supervising and leaves the process running, with its state file, for the next agent to adopt. */
    void detach() {
        detached = true;
        stopping = true;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Takes the replica out of the gateway's routes before it stops; it keeps running until then. */
    void drain() {
        draining = true;
    }

    /** Puts a replica that was drained (kept warm after an upgrade) back into the routes: a rollback flipped back to it. */
    void admit() {
        draining = false;
    }

    /** Healthy and not draining: a replica the gateway may send requests to. */
    boolean isServing() {
        return !draining && (vouchedFor || snapshot().state() == State.HEALTHY);
    }

    /**
     * Stops the replica: SIGTERM to it and what it started (its control group's members, else its descendants), SIGKILL
     * to whatever is left after {@code grace}.
     */
    void stop(Duration grace) {
        stopGrace = grace;
        stopping = true;
        ProcessHandle p;
        synchronized (lock) {
            p = process;
        }
        if (thread != null) thread.interrupt();
        if (p != null) terminate(p, grace);
        if (thread != null) {
            try {
                thread.join(grace.plusSeconds(5).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            Files.deleteIfExists(spec.stateFile());
        } catch (IOException e) {
            log.warn("Could not remove the state file {}: {}", spec.stateFile(), e.getMessage());
        }
        set(State.STOPPED, "stopped");
    }

    private boolean pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
            return !stopping;
        } catch (InterruptedException e) {
            return false;
        }
    }

    private void set(State newState, String newMessage) {
        if (update(newState, newMessage)) onChange.changed();
    }

    /** Sets the state and message (not once stopped); true if either changed. */
    private boolean update(State newState, String newMessage) {
        synchronized (lock) {
            if (state == State.STOPPED) return false;
            boolean changed = state != newState || !java.util.Objects.equals(message, newMessage);
            state = newState;
            message = newMessage;
            return changed;
        }
    }
}
