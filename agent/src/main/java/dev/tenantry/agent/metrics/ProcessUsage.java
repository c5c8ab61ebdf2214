package dev.tenantry.agent.metrics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a replica's processes use, from Linux's {@code /proc}: CPU seconds (the process's own, its waited-for children's,
 * and its live descendants') and resident memory (summed over the process and its descendants, so pages they share
 * count once per process). A process that ended between listing and reading counts as nothing.
 */
public record ProcessUsage(double cpuSeconds, long residentBytes) {
    /** Clock ticks per second of {@code /proc/<pid>/stat}'s times: 100 on every Linux architecture Tenantry runs on. */
    static final double TICKS_PER_SECOND = 100;
    static final ProcessUsage NONE = new ProcessUsage(0, 0);

    public static ProcessUsage of(long pid) {
        ProcessHandle root = ProcessHandle.of(pid).orElse(null);
        if (root == null) return NONE;
        double cpu = ticks(pid, true) / TICKS_PER_SECOND;
        long resident = residentBytes(pid);
        for (ProcessHandle child : root.descendants().toList()) {
            cpu += ticks(child.pid(), false) / TICKS_PER_SECOND;
            resident += residentBytes(child.pid());
        }
        return new ProcessUsage(cpu, resident);
    }

    /** utime + stime (+ cutime + cstime with {@code withChildren}) of {@code /proc/<pid>/stat}; 0 when it is gone. */
    static long ticks(long pid, boolean withChildren) {
        String stat = read(Path.of("/proc", String.valueOf(pid), "stat"));
        if (stat == null) return 0;
        return ticksOf(stat, withChildren);
    }

    /** The times of a {@code stat} line: fields 14-17 counted after the command, which may hold spaces and parentheses. */
    static long ticksOf(String stat, boolean withChildren) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // f[0] is field 3 (state): utime is field 14, stime 15, cutime 16, cstime 17
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
        return withChildren ? ticks + Long.parseLong(f[13]) + Long.parseLong(f[14]) : ticks;
    }

    static long residentBytes(long pid) {
        String status = read(Path.of("/proc", String.valueOf(pid), "status"));
        if (status == null) return 0;
        return residentOf(status);
    }

    static long residentOf(String status) {
        for (String line : status.split("\n")) {
            if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
        return 0; // a zombie or a kernel thread has no VmRSS
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException ended) {
            return null;
        }
    }
}
