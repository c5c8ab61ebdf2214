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
 * than its size is killed, and its replica says so; what a replica leaves running outside its tree (a daemon) is stopped
 * with it, found by its control group. Needs a host that allows control groups (root, cgroup v1).
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

    @Test
    void aProcessThatLeftItsReplicasTreeIsStoppedWithTheReplica() throws Exception {
        // the subshell starts a sleep in a session of its own and exits: the sleep's parent is then init, not the
        // replica, as a daemon's is; only its control group still says whose it is
        Deployment daemonizing = sized("daemonizing", "(setsid sleep 3017 &); exec sleep 60", new Resources(32, 200));
        driver.apply(List.of(daemonizing));
        await().atMost(Duration.ofSeconds(10)).until(() -> replica("daemonizing") != null && replica("daemonizing").pid() != null
                && LiveProcesses.first("sleep 3017").isPresent());
        ProcessHandle daemon = LiveProcesses.first("sleep 3017").orElseThrow();
        long replicaPid = replica("daemonizing").pid();
        assertThat(daemon.parent().map(ProcessHandle::pid)).as("not in the replica's tree").isNotEqualTo(java.util.Optional.of(replicaPid));
        assertThat(ProcessHandle.of(replicaPid).orElseThrow().descendants().map(ProcessHandle::pid)).doesNotContain(daemon.pid());
        String memoryGroup = group(daemon.pid(), "memory");
        assertThat(memoryGroup).as("in the replica's group").isEqualTo(group(replicaPid, "memory"));

        driver.apply(List.of());

        await().atMost(Duration.ofSeconds(10)).until(() -> !daemon.isAlive());
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(Path.of("/sys/fs/cgroup/memory" + memoryGroup)).as("its group is removed once empty").doesNotExist());
    }

    @Test
    void aStopSignalsEverythingInTheReplicasGroupAtOnceNotAfterTheReplicasGrace() throws Exception {
        // the replica ignores SIGTERM (killed after the driver's 1 s grace); the daemon it left outside its tree writes
        // when its SIGTERM came: found by the group, it is signalled with the replica, not once the replica is gone
        Deployment ignoring = sized("ignoring", "(setsid sh -c 'echo daemon-up; trap \"echo daemon-term \\$(date +%s%3N); exit 0\" TERM;"
                + " while :; do sleep 0.05; done' &); trap '' TERM; while :; do sleep 0.05; done", new Resources(32, 200));
        driver.apply(List.of(ignoring));
        await().atMost(Duration.ofSeconds(10)).until(() -> replica("ignoring") != null && replica("ignoring").pid() != null);
        Path log = logOf("ignoring");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(log).contains("daemon-up"));

        long stoppedAt = System.currentTimeMillis();
        driver.apply(List.of());

        await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(log).contains("daemon-term "));
        String line = Files.readAllLines(log).stream().filter(l -> l.startsWith("daemon-term ")).findFirst().orElseThrow();
        long termAt = Long.parseLong(line.substring("daemon-term ".length()).strip());
        assertThat(termAt - stoppedAt).as("ms from the stop to the daemon's SIGTERM (the replica's grace: 1000)").isLessThan(500);
    }

    /** The log a replica of instance {@code uid} writes (its stdout and stderr). */
    private Path logOf(String uid) throws Exception {
        try (var files = Files.walk(work)) {
            return files.filter(f -> f.toString().contains(uid) && f.getFileName().toString().endsWith(".log")).findFirst().orElseThrow();
        }
    }

    @Test
    void aLeftoverThatIgnoresSigtermAndForksIsKilledWithinAboutTheGracePeriod() throws Exception {
        // a daemon that ignores SIGTERM and starts a new child every moment, so that the group changes while it is stopped
        Deployment stubborn = sized("stubborn", "(setsid sh -c 'trap \"\" TERM; while :; do sleep 3029; done' &); exec sleep 60",
                new Resources(32, 200));
        driver.apply(List.of(stubborn));
        await().atMost(Duration.ofSeconds(10)).until(() -> replica("stubborn") != null && replica("stubborn").pid() != null
                && LiveProcesses.first("sleep 3029").isPresent());
        String memoryGroup = group(LiveProcesses.first("sleep 3029").orElseThrow().pid(), "memory");

        long since = System.nanoTime();
        driver.apply(List.of());
        await().atMost(Duration.ofSeconds(10)).until(() -> LiveProcesses.running("sleep 3029").isEmpty()
                && !Files.exists(Path.of("/sys/fs/cgroup/memory" + memoryGroup)));
        // the driver's grace is 1 s: the replica's own stop, then its leftovers' (SIGKILL after the first grace)
        assertThat(Duration.ofNanos(System.nanoTime() - since)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void whatTheReplicaLeftBehindWhenItExitedIsStoppedBeforeItStartsAgain() throws Exception {
        // the replica exits at once, leaving a daemon: each restart would add one more
        Deployment leaving = sized("leaving", "(setsid sleep 3019 &); sleep 0.3; exit 3", new Resources(32, 200));
        driver.apply(List.of(leaving));
        await().atMost(Duration.ofSeconds(10)).until(() -> LiveProcesses.first("sleep 3019").isPresent());
        await().atMost(Duration.ofSeconds(10)).until(() -> replica("leaving") != null && replica("leaving").restarts() >= 2);

        assertThat(LiveProcesses.running("sleep 3019")).as("at most the one of the running attempt").hasSizeLessThanOrEqualTo(1);
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
