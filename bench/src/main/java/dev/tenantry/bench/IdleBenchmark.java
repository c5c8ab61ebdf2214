package dev.tenantry.bench;

import dev.tenantry.agent.driver.DriverSettings;
import dev.tenantry.app.DevMode;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What dev mode costs when nothing happens: the CPU of its JVM (by thread group) and of PostgreSQL over a quiet
 * period, after it settled (the example's class-data cache made, the JIT done with the start). An idle control plane
 * should cost next to nothing: its workers wait for fires and look for due work now and then.
 */
public final class IdleBenchmark {
    /** The argument at {@code index} as seconds between {@code least} and an hour; null when it is not one. */
    private static Duration seconds(String[] args, int index, long least) {
        try {
            long s = Long.parseLong(args[index]);
            return s >= least && s <= 3600 ? Duration.ofSeconds(s) : null;
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
            return null;
        }
    }

    public static void main(String[] args) throws Exception {
        Duration settle = seconds(args, 0, 0);
        Duration measured = seconds(args, 1, 1);
        if (settle == null || measured == null) {
            System.err.println("usage: bench/run-idle.sh [settle-seconds, 0-3600] [measured-seconds, 1-3600]");
            System.exit(2);
        }
        Path home = BenchPlane.temporaryHome("tenantry-bench-idle-");
        try (DevMode dev = DevMode.start(new DevMode.Options(home, null, null, null, "127.0.0.1", 0, 0, 1000, DriverSettings.DEFAULT))) {
            dev.awaitExampleClassData(Duration.ofMinutes(2));
            System.out.printf("machine: %d cores; dev mode started, settling for %d s%n", Runtime.getRuntime().availableProcessors(), settle.toSeconds());
            Thread.sleep(settle.toMillis());
            CpuMeter cpu = CpuMeter.start();
            Thread.sleep(measured.toMillis());
            double seconds = cpu.jvmAndPostgresSeconds();
            System.out.println("cpu while idle: " + cpu.stop());
            System.out.println("  this JVM by thread group (s): " + cpu.threadGroups());
            System.out.printf("idle: measured_s=%d cpu_s_per_minute=%.2f (JVM and PostgreSQL)%n", measured.toSeconds(),
                    seconds * 60 / measured.toSeconds());
        }
    }
}
