package dev.tenantry.agent.metrics;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a replica's processes use, from Linux's {@code /proc}: CPU seconds (the process's own, its waited-for children's,
 * and its live descendants') and resident memory (summed over the process and its descendants, so pages they share
 * count once per process). A process that ended between listing and reading counts as nothing.
 */
public record ProcessUsage(double cpuSeconds, long residentBytes) {
    /** Clock ticks per second of {@code /proc/<pid>/stat}'s times: 100 on every Linux architecture Tenantry runs on. */
    static final double TICKS_PER_SECOND = 100;
    static final ProcessUsage NONE = new ProcessUsage(0, 0);

    /** Every process's parent and CPU ticks, read once (one {@code stat} file each), to look up many process trees. */
    public static final class Table {
        private record Entry(long parent, long ownTicks, long childrenTicks) {}

        private final Map<Long, Entry> entries = new HashMap<>();
        private final Map<Long, List<Long>> children = new HashMap<>();

        public static Table read() {
            Table table = new Table();
            try (DirectoryStream<Path> proc = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("[0-9]+"))) {
                for (Path dir : proc) {
                    String stat = readOrNull(dir.resolve("stat"));
                    if (stat == null) continue;
                    long pid = Long.parseLong(dir.getFileName().toString());
                    String[] f = fieldsAfterCommand(stat);
                    long parent = Long.parseLong(f[1]);
                    table.entries.put(pid, new Entry(parent, ticksOf(stat, false), ticksOf(stat, true) - ticksOf(stat, false)));
                    table.children.computeIfAbsent(parent, k -> new ArrayList<>()).add(pid);
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot list /proc", e);
            }
            return table;
        }

        /** The use of the process {@code pid} and its descendants; nothing when it is gone. */
        public ProcessUsage usage(long pid) {
            Entry root = entries.get(pid);
            if (root == null) return NONE;
            long ticks = root.ownTicks() + root.childrenTicks();
            long resident = residentBytes(pid);
            List<Long> pending = new ArrayList<>(children.getOrDefault(pid, List.of()));
            while (!pending.isEmpty()) {
                long child = pending.removeLast();
                Entry e = entries.get(child);
                if (e == null) continue;
                ticks += e.ownTicks();
                resident += residentBytes(child);
                pending.addAll(children.getOrDefault(child, List.of()));
            }
            return new ProcessUsage(ticks / TICKS_PER_SECOND, resident);
        }
    }

    /** One process tree's use (reads every process's {@code stat}: for many trees read a {@link Table} once). */
    public static ProcessUsage of(long pid) {
        return Table.read().usage(pid);
    }

    /** The fields of a {@code stat} line after the command, which may hold spaces and parentheses: [0] is field 3. */
    private static String[] fieldsAfterCommand(String stat) {
        return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    }

    /** utime + stime (+ cutime + cstime with {@code withChildren}): fields 14-17. */
    static long ticksOf(String stat, boolean withChildren) {
        String[] f = fieldsAfterCommand(stat);
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
        return withChildren ? ticks + Long.parseLong(f[13]) + Long.parseLong(f[14]) : ticks;
    }

    static long residentBytes(long pid) {
        String status = readOrNull(Path.of("/proc", String.valueOf(pid), "status"));
        return status == null ? 0 : residentOf(status);
    }

    static long residentOf(String status) {
        for (String line : status.split("\n")) {
            if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
        return 0; // a zombie or a kernel thread has no VmRSS
    }

    private static String readOrNull(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException ended) {
            return null;
        }
    }
}
