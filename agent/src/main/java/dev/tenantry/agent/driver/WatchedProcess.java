package dev.tenantry.agent.driver;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A process the agent watches: one it started (exit code known) or one it adopted from an earlier agent (only its
 * handle); and what the agent does with processes: stop a tree of them, read the last line of a log.
 */
final class WatchedProcess {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(WatchedProcess.class);
    /** How many times {@link #stopAllFound} looks for what is left. */
    private static final int LOOKS = 3;
    private final ProcessHandle handle;
    private final Process child;
    /** Opened once the process ended: a supervisor checking a starting replica waits on it every few milliseconds. */
    private final CountDownLatch exited = new CountDownLatch(1);
    /** Given when the process ends or writes to its log: ends a wait in {@link #awaitExit} early. */
    private final Semaphore wakeUps = new Semaphore(0);
    /** Whether the process wrote to its log since {@link #takeWritten} last asked. */
    private final java.util.concurrent.atomic.AtomicBoolean written = new java.util.concurrent.atomic.AtomicBoolean();

    WatchedProcess(ProcessHandle handle, Process child) {
        this.handle = handle;
        this.child = child;
        (child != null ? child.onExit() : handle.onExit()).whenComplete((done, failed) -> {
            if (failed == null || !handle.isAlive()) {
                exited.countDown();
                wakeUps.release();
            }
        });
    }

    ProcessHandle handle() {
        return handle;
    }

    boolean isAlive() {
        return child != null ? child.isAlive() : handle.isAlive();
    }

    /**
     * Waits up to {@code millis} for the process to end, or less if it is {@linkplain #wakeUp woken up}; true if it
     * ended. A latch the process's exit opens, not
     * {@code Process.waitFor}, which waits in a monitor and so pins a virtual thread to its carrier on JDK 21–23; and
     * not a timed get of {@code onExit()} each time, which made a future and threw a {@code TimeoutException} at every
     * check of a starting replica.
     */
    boolean awaitExit(long millis) throws InterruptedException {
        if (exited.getCount() > 0 && wakeUps.tryAcquire(millis, TimeUnit.MILLISECONDS)) wakeUps.drainPermits();
        return exited.getCount() == 0;
    }

    /** Ends the current or next wait in {@link #awaitExit} early: the process wrote to its log, worth a check now. */
    void wakeUp() {
        written.set(true);
        wakeUps.release();
    }

    /** Whether the process was {@linkplain #wakeUp woken up} by a write to its log since the last call. */
    boolean takeWritten() {
        return written.getAndSet(false);
    }

    String exit() {
        return child != null ? "exited with code " + child.exitValue() : "exited (adopted process: exit code unknown)";
    }

    /** The CPU time the process used so far, in nanoseconds; -1 if the system does not say. */
    long cpuNanos() {
        return handle.info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
    }

    /** Stops a process and its descendants: SIGTERM to all, SIGKILL to whatever is left after {@code grace}. */
    static void terminate(ProcessHandle root, Duration grace) {
        List<ProcessHandle> all = new ArrayList<>(root.descendants().toList());
        all.add(0, root);
        terminateAll(all, grace);
    }

    /** {@code root}, then the others of {@code members} (a control group's, which may or may not list it yet or still). */
    static List<ProcessHandle> rootFirst(ProcessHandle root, List<ProcessHandle> members) {
        List<ProcessHandle> all = new ArrayList<>(members.size() + 1);
        all.add(root);
        members.stream().filter(m -> m.pid() != root.pid()).forEach(all::add);
        return all;
    }

    /**
     * Stops the processes {@code find} finds, again and again while it finds some (they may fork while they are being
     * stopped), a few times at most: the first look's get {@code grace} after SIGTERM, later looks' are killed at once,
     * so that the whole takes {@code grace} and little more. {@code what}: what they are, for the log.
     */
    static void stopAllFound(java.util.function.Supplier<List<ProcessHandle>> find, Duration grace, String what) {
        for (int look = 0; look < LOOKS; look++) {
            List<ProcessHandle> left = find.get();
            if (left.isEmpty()) return;
            log.info("Stopping {} process(es) {}", left.size(), what);
            terminateAll(left, look == 0 ? grace : Duration.ZERO);
        }
    }

    /** Stops the processes: SIGTERM to all, SIGKILL to whatever is left after {@code grace}. */
    static void terminateAll(List<ProcessHandle> all, Duration grace) {
        all.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + grace.toNanos();
        for (ProcessHandle h : all) {
            long left = deadline - System.nanoTime();
            try {
                if (left > 0) h.onExit().get(left, TimeUnit.NANOSECONDS);
            } catch (Exception timeoutOrInterrupt) {
                // still alive after the grace period: killed below
            }
        }
        all.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    /** The last non-blank line of a log file (at most 300 characters), read from its end. */
    static Optional<String> lastLine(Path logFile) {
        try (RandomAccessFile f = new RandomAccessFile(logFile.toFile(), "r")) {
            long len = f.length();
            int n = (int) Math.min(len, 2048);
            byte[] buf = new byte[n];
            f.seek(len - n);
            f.readFully(buf);
            String[] lines = new String(buf, StandardCharsets.UTF_8).split("\n");
            for (int i = lines.length - 1; i >= 0; i--) {
                String line = lines[i].strip();
                if (!line.isEmpty()) return Optional.of(line.length() > 300 ? line.substring(0, 300) : line);
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }
}
