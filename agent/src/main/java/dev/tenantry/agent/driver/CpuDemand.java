package dev.tenantry.agent.driver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

/**
 * How much CPU a process asked for so far: the CPU time it used plus the time its threads waited in a run queue for
 * a CPU (Linux {@code /proc/PID/task/TID/schedstat}). A process starved by busier or higher-priority work waits rather
 * than runs: counting only the time it ran would make it look idle.
 */
final class CpuDemand {
    private CpuDemand() {}

    /** Nanoseconds; negative when the process's CPU time is unknown. Without schedstat, the CPU time alone. */
    static long nanos(ProcessHandle process) {
        long cpu = process.info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
        return cpu < 0 ? cpu : cpu + runQueueWaitNanos(process.pid());
    }

    /** The run-queue wait of the process's live threads (threads that ended took theirs with them). */
    static long runQueueWaitNanos(long pid) {
        long total = 0;
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) total += waitOf(task.resolve("schedstat"));
        } catch (IOException | RuntimeException e) {
            return total; // the process ended, or no /proc: what was read
        }
        return total;
    }

    private static long waitOf(Path schedstat) {
        try {
            String[] fields = Files.readString(schedstat).trim().split(" ");
            return fields.length >= 2 ? Long.parseLong(fields[1]) : 0;
        } catch (IOException | NumberFormatException e) {
            return 0; // the thread ended while we listed them
        }
    }
}
