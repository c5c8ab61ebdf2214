package dev.tenantry.agent.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CpuDemandTest {
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void stop() {
        started.forEach(Process::destroyForcibly);
    }

    private Process busyOnCpu0() throws Exception {
        Process p = new ProcessBuilder("taskset", "-c", "0", "sh", "-c", "while :; do :; done").start();
        started.add(p);
        return p;
    }

    @Test
    void aProcessSharingItsCpuWithAnotherAsksForMoreThanItGets() throws Exception {
        Process first = busyOnCpu0();
        busyOnCpu0();
        ProcessHandle handle = first.toHandle();
        // two busy loops on one CPU: each runs about half of the time and waits for the CPU the other half
        await().atMost(Duration.ofSeconds(30)).until(() -> handle.info().totalCpuDuration().orElse(Duration.ZERO).toMillis() >= 400);
        long cpu = handle.info().totalCpuDuration().orElseThrow().toNanos();
        long waited = CpuDemand.runQueueWaitNanos(handle.pid());
        assertThat(Duration.ofNanos(waited)).isGreaterThan(Duration.ofMillis(200));
        assertThat(CpuDemand.nanos(handle)).isGreaterThanOrEqualTo(cpu + waited);
    }

    @Test
    void aProcessThatEndedHasNoWaitToRead() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        assertThat(CpuDemand.runQueueWaitNanos(p.pid())).isZero();
    }
}
