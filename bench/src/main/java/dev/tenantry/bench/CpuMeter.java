package dev.tenantry.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU seconds used between start and stop: by the whole machine (/proc/stat) and by this JVM (Tenantry and the bench client). */
final class CpuMeter {
    private static final double TICKS_PER_SECOND = 100.0;
    private final long[] machineStart;
    private final long jvmStart;
    private final long wallStart = System.nanoTime();

    private CpuMeter() throws IOException {
        machineStart = machineTicks();
        jvmStart = jvmNanos();
    }

    static CpuMeter start() throws IOException {
        return new CpuMeter();
    }

    String stop() throws IOException {
        long[] end = machineTicks();
        double wall = (System.nanoTime() - wallStart) / 1e9;
        return String.format("wall %.1f s; machine cpu: user %.1f s, nice %.1f s, system %.1f s; this JVM %.1f s",
                wall, (end[0] - machineStart[0]) / TICKS_PER_SECOND, (end[1] - machineStart[1]) / TICKS_PER_SECOND,
                (end[2] - machineStart[2]) / TICKS_PER_SECOND, (jvmNanos() - jvmStart) / 1e9);
    }

    private static long[] machineTicks() throws IOException {
        String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        return new long[] {Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3])};
    }

    private static long jvmNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
