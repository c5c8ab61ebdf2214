package dev.tenantry.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * CPU seconds used between start and stop: by the whole machine (/proc/stat), by this JVM (Tenantry and the
 * bench client) split by thread group, and by the PostgreSQL processes.
 */
final class CpuMeter {
    private static final double TICKS_PER_SECOND = 100.0;
    private final long[] machineStart;
    private final long jvmStart;
    private final Map<String, Long> threadsStart;
    private final long postgresStart;
    private final Map<String, Long> postgresRolesStart;
    private final long wallStart = System.nanoTime();

    private CpuMeter() throws IOException {
        machineStart = machineTicks();
        jvmStart = jvmNanos();
        threadsStart = threadGroupTicks();
        postgresRolesStart = postgresRoleTicks();
        postgresStart = postgresRolesStart.values().stream().mapToLong(Long::longValue).sum();
    }

    static CpuMeter start() throws IOException {
        return new CpuMeter();
    }

    /** The window {@link #awaitQuiet} looks at, and the machine's busy ticks (10 ms each, all cores) it may hold to be quiet. */
    private static final java.time.Duration QUIET_WINDOW = java.time.Duration.ofMillis(250);
    private static final long QUIET_TICKS = 3;

    /**
     * Waits, at most {@code max}, until the machine has used at most {@value #QUIET_TICKS} ticks of CPU (user, nice and
     * system; an eighth of a core) in a {@link #QUIET_WINDOW}: what an earlier round left running (processes exiting, the
     * control plane's work after a deletion) does not run into the next one. How long it waited, the first window included.
     */
    static java.time.Duration awaitQuiet(java.time.Duration max) throws IOException, InterruptedException {
        long start = System.nanoTime();
        do {
            long[] before = machineTicks();
            Thread.sleep(QUIET_WINDOW.toMillis());
            long[] after = machineTicks();
            if ((after[0] - before[0]) + (after[1] - before[1]) + (after[2] - before[2]) <= QUIET_TICKS) break;
        } while (System.nanoTime() - start < max.toNanos());
        return java.time.Duration.ofNanos(System.nanoTime() - start);
    }

    String stop() throws IOException {
        long[] end = machineTicks();
        double wall = (System.nanoTime() - wallStart) / 1e9;
        return String.format("wall %.1f s; machine cpu: user %.1f s, nice %.1f s, system %.1f s; this JVM %.2f s; postgres %.2f s",
                wall, (end[0] - machineStart[0]) / TICKS_PER_SECOND, (end[1] - machineStart[1]) / TICKS_PER_SECOND,
                (end[2] - machineStart[2]) / TICKS_PER_SECOND, (jvmNanos() - jvmStart) / 1e9,
                (postgresTicks() - postgresStart) / TICKS_PER_SECOND);
    }

    /** CPU seconds of this JVM and the PostgreSQL processes since the start. */
    double jvmAndPostgresSeconds() throws IOException {
        return (jvmNanos() - jvmStart) / 1e9 + (postgresTicks() - postgresStart) / TICKS_PER_SECOND;
    }

    /** The JVM's CPU by thread group (thread names with their numbers removed), largest first. */
    String threadGroups() throws IOException {
        Map<String, Long> end = threadGroupTicks();
        return end.entrySet().stream().map(e -> Map.entry(e.getKey(), e.getValue() - threadsStart.getOrDefault(e.getKey(), 0L)))
                .filter(e -> e.getValue() >= 2).sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .map(e -> String.format("%s %.2f", e.getKey(), e.getValue() / TICKS_PER_SECOND)).collect(Collectors.joining(", "));
    }

    /**
     * PostgreSQL's CPU by process role (its process titles: the backends, the WAL writer, autovacuum workers; the
     * processes that ended, autovacuum workers mostly, under "ended"), largest first.
     */
    String postgresRoles() throws IOException {
        Map<String, Long> end = postgresRoleTicks();
        return end.entrySet().stream().map(e -> Map.entry(e.getKey(), e.getValue() - postgresRolesStart.getOrDefault(e.getKey(), 0L)))
                .filter(e -> e.getValue() >= 1).sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .map(e -> String.format("%s %.2f", e.getKey(), e.getValue() / TICKS_PER_SECOND)).collect(Collectors.joining(", "));
    }

    private static Map<String, Long> postgresRoleTicks() throws IOException {
        Map<String, Long> roles = new HashMap<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : (Iterable<Path>) procs::iterator) {
                if (!proc.getFileName().toString().chars().allMatch(Character::isDigit)) continue;
                ProcStat stat = ProcStat.read(proc.resolve("stat"));
                if (stat == null || !stat.comm().equals("postgres")) continue;
                String title;
                try {
                    title = Files.readString(proc.resolve("cmdline")).replace('\0', ' ').strip();
                } catch (IOException ended) {
                    continue;
                }
                String role = !title.startsWith("postgres: ") ? "postmaster"
                        : title.contains("(") ? "backends" : title.substring("postgres: ".length()).replaceAll(" .*worker.*", " worker");
                roles.merge(role, stat.ticks(), Long::sum);
                if (role.equals("postmaster")) roles.merge("ended", stat.childTicks(), Long::sum);
            }
        }
        return roles;
    }

    /** CPU seconds of this JVM's threads of a group (as {@link #threadGroups} names them) since the start. */
    double threadGroupSeconds(String group) throws IOException {
        return (threadGroupTicks().getOrDefault(group, 0L) - threadsStart.getOrDefault(group, 0L)) / TICKS_PER_SECOND;
    }

    private static long[] machineTicks() throws IOException {
        String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        return new long[] {Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3])};
    }

    private static long jvmNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /**
     * A thread's group: its name without numbers and trailing blanks. The JDK renames a process reaper "process reaper
     * (pid N)" while it waits for a child (the kernel keeps 15 characters: "process reaper "): without the blank both
     * names are one group, else a reaper that starts waiting moves all the CPU of its life (reaping earlier rounds'
     * processes) from one group to the other, a large delta that was never spent in the window.
     */
    static String group(String threadName) {
        return threadName.replaceAll("[0-9]+", "N").strip();
    }

    private static Map<String, Long> threadGroupTicks() throws IOException {
        Map<String, Long> groups = new HashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                ProcStat stat = ProcStat.read(task.resolve("stat"));
                if (stat != null) groups.merge(group(stat.comm()), stat.ticks(), Long::sum);
            }
        }
        return groups;
    }

    /** CPU seconds a process has used so far (user and system). */
    static double processSeconds(long pid) {
        ProcStat stat = ProcStat.read(Path.of("/proc", String.valueOf(pid), "stat"));
        return stat == null ? 0 : stat.ticks() / TICKS_PER_SECOND;
    }

    /** CPU seconds a JVM's JIT compiler threads have used so far (those still running). */
    static double compilerSeconds(long pid) throws IOException {
        long total = 0;
        try (Stream<Path> tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                ProcStat stat = ProcStat.read(task.resolve("stat"));
                if (stat != null && stat.comm().matches("C[12] CompilerThre.*")) total += stat.ticks();
            }
        }
        return total / TICKS_PER_SECOND;
    }

    /**
     * CPU seconds used so far by the PostgreSQL of {@code dataDir}: its postmaster (the pid in postmaster.pid), with the
     * backends it has reaped, and its live backends. Other PostgreSQL servers on the machine (one still stopping, say)
     * do not count.
     */
    static double postgresSeconds(Path dataDir) throws IOException {
        long postmaster = Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).getFirst().strip());
        long total = 0;
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : (Iterable<Path>) procs::iterator) {
                String name = proc.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) continue;
                ProcStat stat = ProcStat.read(proc.resolve("stat"));
                if (stat == null) continue;
                if (Long.parseLong(name) == postmaster) total += stat.ticks() + stat.childTicks();
                else if (stat.parent() == postmaster) total += stat.ticks();
            }
        }
        return total / TICKS_PER_SECOND;
    }

    /** User and system ticks of the running postgres processes plus those of their exited children. */
    private static long postgresTicks() throws IOException {
        return postgresRoleTicks().values().stream().mapToLong(Long::longValue).sum();
    }

    private record ProcStat(String comm, long ticks, long childTicks, long parent) {
        static ProcStat read(Path file) {
            String line;
            try {
                line = Files.readString(file);
            } catch (IOException e) {
                return null; // the task or process ended while we listed them
            }
            String comm = line.substring(line.indexOf('(') + 1, line.lastIndexOf(')'));
            String[] f = line.substring(line.lastIndexOf(')') + 2).split(" ");
            // fields after the name: state is f[0]; utime, stime, cutime, cstime are fields 14-17 of the whole line
            return new ProcStat(comm, Long.parseLong(f[11]) + Long.parseLong(f[12]), Long.parseLong(f[13]) + Long.parseLong(f[14]),
                    Long.parseLong(f[1]));
        }
    }
}
