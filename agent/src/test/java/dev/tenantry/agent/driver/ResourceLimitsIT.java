package dev.tenantry.agent.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tenantry.api.blueprint.Component;
import dev.tenantry.api.blueprint.HealthCheck;
import dev.tenantry.api.blueprint.PortSpec;
import dev.tenantry.api.blueprint.Resources;
import dev.tenantry.api.cell.Deployment;
import dev.tenantry.api.cell.ObservedReplica;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replica's size is a limit the kernel enforces (cgroup v1 memory and cpu): a workload that takes more memory
 * than its size is killed, and its replica says so. Needs a host that allows control groups (root, cgroup v1).
 */
class ResourceLimitsIT {
    @TempDir
    Path work;
    private ProcessDriver driver;

    @BeforeEach
    void start() {
        assumeTrue(CgroupLimits.forAgent(work).enforced(), "the host lets the agent create control groups");
        driver = new ProcessDriver(work, new DriverSettings(Duration.ofSeconds(1), 10), () -> { });
    }

    @AfterEach
    void stop() {
        if (driver != null) driver.close();
    }

    private static Deployment sized(String uid, String script, Resources size) {
        Component c = new Component("web", List.of("/bin/sh", "-c", script), List.of(), Map.of(), List.of(), null, size, 1);
        return new Deployment(uid, "acme", uid, 1, "svc", "1.0.0", List.of(c), null, null, null, false);
    }

    private ObservedReplica replica(String uid) {
        return driver.observe().stream().filter(o -> o.instanceUid().equals(uid)).findFirst()
                .flatMap(o -> o.replicas().stream().findFirst()).orElse(null);
    }

    @Test
    void aReplicaRunsInsideItsSizeAndOneOverItsMemoryIsStoppedAndSaysSo() throws Exception {
        Deployment calm = sized("calm", "exec sleep 60", new Resources(32, 200));
        // tail keeps the whole of one endless line in memory: far more than 32 MiB
        Deployment greedy = sized("greedy", "head -c 400000000 /dev/zero | tail > /dev/null", new Resources(32, 200));
        driver.apply(List.of(calm, greedy));

        await().atMost(Duration.ofSeconds(10)).until(() -> replica("calm") != null && replica("calm").pid() != null);
        String memoryGroup = group(replica("calm").pid(), "memory");
        String cpuGroup = group(replica("calm").pid(), "cpu");
        assertThat(memoryGroup).endsWith("/calm.web-0.g1");
        assertThat(Files.readString(Path.of("/sys/fs/cgroup/memory" + memoryGroup, "memory.limit_in_bytes")).strip()).isEqualTo(String.valueOf(32L << 20));
        assertThat(Files.readString(Path.of("/sys/fs/cgroup/cpu" + cpuGroup, "cpu.cfs_quota_us")).strip()).as("200 millicores").isEqualTo("20000");

        await().atMost(Duration.ofSeconds(30)).until(() -> replica("greedy") != null && replica("greedy").message() != null
                && replica("greedy").message().contains("over its memory limit of 32 MiB"));
        assertThat(replica("greedy").message()).as("the kernel's kill is the exit status").contains("exited with code 137");
    }

    @Test
    void aStartingReplicaWeighsMoreUntilItGivesItsStartSlotBack() throws Exception {
        // busy and never healthy (nothing listens on its port): it holds its start slot until the slot's hold (5 s) runs out
        Component c = new Component("web", List.of("/bin/sh", "-c", "while :; do :; done"), List.of(), Map.of(), List.of(new PortSpec("http")),
                new HealthCheck(HealthCheck.Type.tcp, "http", null, 200, 200, 3, 120), new Resources(32, 1000), 1);
        driver.apply(List.of(new Deployment("busy", "acme", "busy", 1, "svc", "1.0.0", List.of(c), null, null, null, false)));

        await().atMost(Duration.ofSeconds(10)).until(() -> replica("busy") != null && replica("busy").pid() != null);
        Path shares = Path.of("/sys/fs/cgroup/cpu" + group(replica("busy").pid(), "cpu"), "cpu.shares");
        long since = System.nanoTime();
        assertThat(Files.readString(shares).strip()).as("while it starts").isEqualTo(String.valueOf(CgroupLimits.STARTING_SHARES));
        await().atMost(Duration.ofSeconds(15)).until(() -> Files.readString(shares).strip().equals(String.valueOf(CgroupLimits.NORMAL_SHARES)));
        assertThat(Duration.ofNanos(System.nanoTime() - since)).as("a busy start keeps its slot for the hold").isGreaterThan(Duration.ofSeconds(3));
        assertThat(replica("busy").healthy()).as("still starting: only its slot's hold ran out").isFalse();
    }

    /** The process's group in a cgroup v1 hierarchy, from /proc/PID/cgroup. */
    private static String group(long pid, String controller) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/cgroup"))) {
            String[] parts = line.split(":", 3);
            if (List.of(parts[1].split(",")).contains(controller)) return parts[2];
        }
        throw new AssertionError("no " + controller + " group for " + pid);
    }
}
