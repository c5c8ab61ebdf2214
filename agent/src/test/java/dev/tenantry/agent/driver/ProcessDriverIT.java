package dev.tenantry.agent.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tenantry.api.blueprint.Component;
import dev.tenantry.api.blueprint.Ingress;
import dev.tenantry.api.blueprint.PortSpec;
import dev.tenantry.api.cell.Deployment;
import dev.tenantry.api.cell.ObservedInstance;
import dev.tenantry.api.cell.ObservedReplica;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The process driver with real OS processes: environment, ports, logs, restarts, graceful and forced stops, leftovers. */
class ProcessDriverIT {
    private static final Duration GRACE = Duration.ofSeconds(1);
    @TempDir
    Path work;
    private ProcessDriver driver;

    @BeforeEach
    void start() {
        driver = new ProcessDriver(work, new DriverSettings(GRACE, 10), () -> { });
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private static Deployment deployment(String uid, String name, String script, Map<String, String> env, boolean withPort) {
        Component c = new Component("web", List.of("/bin/sh", "-c", script), List.of(), env,
                withPort ? List.of(new PortSpec("http")) : List.of(), null, null, 1);
        return new Deployment(uid, "acme", name, 1, "svc", "1.0.0", List.of(c), withPort ? new Ingress("web", "http") : null,
                withPort ? name + ".acme.localhost" : null, null, false);
    }

    /** The instance's first replica; null until its runtime has started one. */
    private ObservedReplica replica(String uid) {
        return driver.observe().stream().filter(o -> o.instanceUid().equals(uid)).findFirst()
                .flatMap(o -> o.replicas().stream().findFirst()).orElse(null);
    }

    private ObservedInstance instance(String uid) {
        return driver.observe().stream().filter(o -> o.instanceUid().equals(uid)).findFirst().orElse(null);
    }

    @Test
    void withoutControlGroupsWhatAReplicaLeftOutsideItsTreeIsFoundByItsMarkerAndStoppedWithIt() throws Exception {
        ProcessDriver plain = new ProcessDriver(work.resolve("plain"), new DriverSettings(GRACE, 10).withEnforcedSizes(false), () -> { });
        try {
            // the subshell starts a sleep in a session of its own and exits: the sleep's parent is then init, as a daemon's is
            plain.apply(List.of(deployment("d1", "daemonizing", "(setsid sleep 3031 &); exec sleep 60", Map.of(), false),
                    deployment("d2", "leaving", "(setsid sleep 3037 &); sleep 0.3; exit 3", Map.of(), false)));
            await().atMost(Duration.ofSeconds(10)).until(() -> LiveProcesses.first("sleep 3031").isPresent() && LiveProcesses.first("sleep 3037").isPresent());
            ProcessHandle daemon = LiveProcesses.first("sleep 3031").orElseThrow();
            long replicaPid = plain.observe().stream().filter(o -> o.instanceUid().equals("d1")).findFirst().orElseThrow().replicas().get(0).pid();
            assertThat(ProcessHandle.of(replicaPid).orElseThrow().descendants().map(ProcessHandle::pid)).as("not in the replica's tree")
                    .doesNotContain(daemon.pid());

            // the replica that exits at once and is started again leaves at most the one of its running attempt
            await().atMost(Duration.ofSeconds(20)).until(() -> plain.observe().stream().filter(o -> o.instanceUid().equals("d2"))
                    .flatMap(o -> o.replicas().stream()).anyMatch(r -> r.restarts() >= 2));
            assertThat(LiveProcesses.running("sleep 3037")).hasSizeLessThanOrEqualTo(1);

            plain.apply(List.of());
            await().atMost(Duration.ofSeconds(10)).until(() -> !daemon.isAlive() && LiveProcesses.running("sleep 3037").isEmpty());
        } finally {
            plain.close();
        }
    }

    @Test
    void aNewInstanceIsFirstReportedWithItsReplicas() throws Exception {
        // as the agent's report loop does: at each change, observe the instances the driver names as changed
        List<ObservedInstance> reported = new java.util.concurrent.CopyOnWriteArrayList<>();
        ProcessDriver[] watched = new ProcessDriver[1];
        Runnable report = () -> {
            if (watched[0] == null) return;
            ChangedInstances.Taken changed = watched[0].changes();
            reported.addAll(changed.all() ? watched[0].observe() : watched[0].observe(changed.uids()));
        };
        ProcessDriver reporting = new ProcessDriver(work.resolve("reporting"), new DriverSettings(GRACE, 10), report);
        try {
            reporting.changes(); // a new driver's first look is at everything (the agent's first, full report)
            watched[0] = reporting;
            reporting.apply(List.of(deployment("n1", "fresh", "echo started; exec sleep 60", Map.of(), false)));
            await().atMost(Duration.ofSeconds(10)).until(() -> reported.stream().anyMatch(o -> o.instanceUid().equals("n1")));
            assertThat(reported).filteredOn(o -> o.instanceUid().equals("n1")).as("observations reported before any replica existed")
                    .allMatch(o -> !o.replicas().isEmpty());
        } finally {
            reporting.close();
        }
    }

    @Test
    void aReplicaGetsItsOwnDirectoryPortsCleanEnvironmentAndLog() throws Exception {
        driver.apply(List.of(deployment("u1", "envy", "env > env.txt; echo started; exec sleep 60",
                Map.of("GREETING", "port {{ports.http}} replica {{replica.index}} data {{instance.dataDir}}"), true)));
        Path dir = work.resolve("instances/u1");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(dir.resolve("replicas/web-0/env.txt"))
                && Files.readString(dir.resolve("logs/web-0.log")).contains("started"));
        Map<String, String> env = Files.readAllLines(dir.resolve("replicas/web-0/env.txt")).stream()
                .filter(l -> l.contains("=")).collect(Collectors.toMap(l -> l.substring(0, l.indexOf('=')), l -> l.substring(l.indexOf('=') + 1), (a, b) -> b));
        int port = replica("u1").ports().get("http");
        assertThat(env).containsEntry("PORT", String.valueOf(port)).containsEntry("PORT_HTTP", String.valueOf(port))
                .containsEntry("TENANTRY_TENANT", "acme").containsEntry("TENANTRY_INSTANCE", "envy")
                .containsEntry("TENANTRY_RELEASE", "1.0.0").containsEntry("TENANTRY_REPLICA", "0").containsEntry("TENANTRY_AGENT_REPLICA", "u1/web-0/g1")
                .containsEntry("GREETING", "port " + port + " replica 0 data " + dir.resolve("data"))
                .containsEntry("HOME", dir.resolve("replicas/web-0").toString());
        Set<String> allowed = Set.of("PATH", "LANG", "LC_ALL", "TZ", "JAVA_HOME", "HOME", "PORT", "PORT_HTTP", "GREETING", "PWD", "SHLVL", "_",
                "TENANTRY_TENANT", "TENANTRY_INSTANCE", "TENANTRY_SERVICE", "TENANTRY_RELEASE", "TENANTRY_REPLICA", "TENANTRY_DATA_DIR", "TENANTRY_AGENT_DIR", "TENANTRY_AGENT_REPLICA", "OLDPWD");
        assertThat(allowed).as("nothing else of the agent's environment leaks").containsAll(env.keySet());
        assertThat(ReplicaState.read(dir.resolve("run/web-0.g1.json")).orElseThrow().pid()).isEqualTo(replica("u1").pid());
        long pid = replica("u1").pid();
        String nice = Files.readString(Path.of("/proc/" + pid + "/stat")).split("\\) ")[1].split(" ")[16];
        assertThat(nice).as("workload niceness").isEqualTo("10");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).as("the instance's directory")
                .isEqualTo("rwx------");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("run/web-0.g1.json"))))
                .as("the agent's record of the replica").isEqualTo("rw-------");
    }

    @Test
    void anInstanceDirectoryLeftOpenByAnOlderAgentIsClosedAtTheNextStart() throws Exception {
        Path dir = work.resolve("instances/u11");
        Files.createDirectories(dir.resolve("data"));
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        driver.apply(List.of(deployment("u11", "opened", "exec sleep 60", Map.of(), false)));
        await().atMost(Duration.ofSeconds(10)).until(() -> replica("u11") != null && replica("u11").pid() != null);
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
    }

    @Test
    void aKilledReplicaIsRestartedAndACrashLoopFails() {
        driver.apply(List.of(deployment("u2", "phoenix", "exec sleep 60", Map.of(), false),
                deployment("u3", "crashy", "echo boom; exit 7", Map.of(), false)));
        await().atMost(Duration.ofSeconds(10)).until(() -> replica("u2") != null && replica("u2").healthy());
        long pid = replica("u2").pid();
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        await().atMost(Duration.ofSeconds(10)).until(() -> replica("u2").restarts() == 1 && replica("u2").pid() != null
                && replica("u2").pid() != pid && replica("u2").healthy());
        await().atMost(Duration.ofSeconds(20)).until(() -> instance("u3").state() == ObservedInstance.State.FAILED);
        assertThat(instance("u3").message()).contains("exited with code 7: boom");
        assertThat(replica("u3").restarts()).isGreaterThanOrEqualTo(Restarts.FAILED_STARTS_BEFORE_FAILED);
    }

    @Test
    void stoppingSendsSigtermFirstAndSigkillAfterTheGracePeriod() throws Exception {
        driver.apply(List.of(deployment("u4", "polite", "trap 'echo got-term; exit 0' TERM; while true; do sleep 0.05; done", Map.of(), false),
                deployment("u5", "stubborn", "trap '' TERM; while true; do sleep 0.05; done", Map.of(), false)));
        await().atMost(Duration.ofSeconds(10)).until(() -> replica("u4") != null && replica("u4").healthy()
                && replica("u5") != null && replica("u5").healthy());
        long polite = replica("u4").pid();
        long stubborn = replica("u5").pid();
        Path politeLog = work.resolve("instances/u4/logs/web-0.log");
        long started = System.nanoTime();
        driver.apply(List.of(deployment("u5", "stubborn", "trap '' TERM; while true; do sleep 0.05; done", Map.of(), false)));
        assertThat(ProcessHandle.of(polite).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(work.resolve("instances/u4/replicas")).as("a removed instance's replica directories are removed").doesNotExist();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(GRACE);

        started = System.nanoTime();
        driver.apply(List.of());
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(GRACE);
        assertThat(ProcessHandle.of(stubborn).map(ProcessHandle::isAlive).orElse(false)).as("killed after the grace period").isFalse();
        assertThat(driver.observe()).isEmpty();
        assertThat(politeLog).as("a removed instance's logs stay until it is purged").exists();
    }

    @Test
    void aClosedDriverStartsNothing() {
        driver.close();
        driver.apply(List.of(deployment("u10", "late", "exec sleep 60", Map.of(), false)));
        assertThat(driver.observe()).as("a late desired state after the agent stopped").isEmpty();
        assertThat(work.resolve("instances/u10")).doesNotExist();
    }

    @Test
    void aRemovedInstanceKeepsItsDataUntilItIsPurged() throws Exception {
        Deployment keeper = deployment("u9", "keeper", "echo kept > \"$TENANTRY_DATA_DIR/note\"; exec sleep 60", Map.of(), false);
        driver.apply(List.of(keeper));
        Path note = work.resolve("instances/u9/data/note");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(note));
        assertThat(driver.purge(List.of("u9"))).as("a running instance is never purged").isEmpty();
        assertThat(note).exists();

        driver.apply(List.of());
        assertThat(note).as("deleted, not purged: the data stays").hasContent("kept\n");
        driver.apply(List.of(keeper));
        await().atMost(Duration.ofSeconds(10)).until(() -> replica("u9") != null && replica("u9").healthy());
        assertThat(note).as("restored: the same data").exists();

        driver.apply(List.of());
        assertThat(driver.purge(List.of("u9", "../escape"))).containsExactly("u9");
        assertThat(work.resolve("instances/u9")).as("purged: data and logs are gone").doesNotExist();
        assertThat(driver.purge(List.of("u9"))).as("purging again is harmless").containsExactly("u9");
    }

    @Test
    void aNewAgentAdoptsRunningReplicasWithoutRestartingThemAndStopsTheRest() throws Exception {
        Deployment keeper = deployment("u6", "keeper", "while true; do sleep 0.05; done", Map.of(), true);
        Deployment stale = deployment("u7", "stale", "while true; do sleep 0.05; done", Map.of(), false);
        driver.apply(List.of(keeper, stale));
        await().atMost(Duration.ofSeconds(10)).until(() -> replica("u6") != null && replica("u6").healthy() && replica("u7") != null);
        long keeperPid = replica("u6").pid();
        int keeperPort = replica("u6").ports().get("http");
        long stalePid = replica("u7").pid();
        driver.detach(); // the agent goes away; its workloads stay

        ProcessDriver next = new ProcessDriver(work, new DriverSettings(GRACE, 10), () -> { });
        try {
            next.adoptRunning(List.of(keeper));
            assertThat(ProcessHandle.of(stalePid).map(ProcessHandle::isAlive).orElse(false)).as("not wanted any more: stopped").isFalse();
            next.apply(List.of(keeper));
            await().atMost(Duration.ofSeconds(10)).until(() -> next.observe().get(0).replicas().get(0).healthy());
            var adopted = next.observe().get(0).replicas().get(0);
            assertThat(adopted.pid()).isEqualTo(keeperPid);
            assertThat(adopted.restarts()).isZero();
            assertThat(adopted.ports()).containsEntry("http", keeperPort);
            assertThat(next.routes().get(0).backends()).containsExactly("127.0.0.1:" + keeperPort);
        } finally {
            next.close();
        }
        assertThat(ProcessHandle.of(keeperPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }

    @Test
    void aWorkloadProcessThatNoStateFileAccountsForIsStopped() throws Exception {
        // what an agent killed between starting a replica and writing its state file leaves behind
        ProcessBuilder orphan = new ProcessBuilder("sleep", "60");
        orphan.environment().put(OrphanSweep.MARKER, work.resolve("instances").toAbsolutePath().toString());
        Process leftover = orphan.start();
        ProcessBuilder foreign = new ProcessBuilder("sleep", "60");
        foreign.environment().put(OrphanSweep.MARKER, work.resolve("another-agent").toAbsolutePath().toString());
        Process other = foreign.start();
        try {
            driver.adoptRunning(List.of());
            assertThat(leftover.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(other.isAlive()).as("another agent's workload is left alone").isTrue();
        } finally {
            other.destroyForcibly();
            leftover.destroyForcibly();
        }
    }

    @Test
    void startsArePacedOneSlotAtATimeAndTheWaitingOnesSaySo() {
        ProcessDriver paced = new ProcessDriver(work.resolve("paced"), new DriverSettings(GRACE, 10).withStartConcurrency(1), () -> { });
        try {
            List<String> uids = List.of("p1", "p2", "p3");
            paced.apply(uids.stream().map(uid -> deployment(uid, uid, "exec sleep 60", Map.of(), false)).toList());
            await().atMost(Duration.ofSeconds(5)).until(() -> paced.observe().stream().flatMap(o -> o.replicas().stream())
                    .filter(r -> r.pid() == null && ReplicaSupervisor.WAITING_TO_START.equals(r.message())).count() == 2);
            await().atMost(Duration.ofSeconds(20)).until(() -> paced.observe().stream().flatMap(o -> o.replicas().stream()).filter(ObservedReplica::healthy).count() == 3);
            List<ObservedReplica> byStart = paced.observe().stream().flatMap(o -> o.replicas().stream())
                    .sorted(java.util.Comparator.comparing(ObservedReplica::startedAt)).toList();
            for (int i = 1; i < byStart.size(); i++) {
                assertThat(byStart.get(i).startedAt()).as("a start waits until the one before it is healthy")
                        .isAfterOrEqualTo(byStart.get(i - 1).healthySince());
                assertThat(byStart.get(i).message()).isNull();
            }
        } finally {
            paced.close();
        }
    }

    @Test
    void aReplicaThatIsSlowToBecomeHealthyGivesItsStartSlotBackAfterTheHold() {
        // a busy loop never healthy: only the hold lets the next one start (or, on a saturated machine, its idleness)
        assertTheNextStartsWhileTheFirstIsNotHealthy("exec /bin/sh -c 'while :; do :; done'", Duration.ofMillis(300));
    }

    @Test
    void aStartingReplicaThatWaitsRatherThanComputesGivesItsSlotBackLongBeforeTheHold() {
        assertTheNextStartsWhileTheFirstIsNotHealthy("exec sleep 60", Duration.ofSeconds(60));
    }

    private void assertTheNextStartsWhileTheFirstIsNotHealthy(String firstScript, Duration hold) {
        DriverSettings oneSlot = new DriverSettings(GRACE, 10, DriverSettings.DEFAULT_DRAIN_DELAY, 1, hold, true);
        ProcessDriver paced = new ProcessDriver(work.resolve("held"), oneSlot, () -> { });
        try {
            var neverHealthy = new dev.tenantry.api.blueprint.HealthCheck(dev.tenantry.api.blueprint.HealthCheck.Type.tcp, "http", null, 100, 100, 3, 60);
            Component slow = new Component("web", List.of("/bin/sh", "-c", firstScript), List.of(), Map.of(), List.of(new PortSpec("http")), neverHealthy, null, 1);
            Deployment first = new Deployment("s1", "acme", "slow", 1, "svc", "1.0.0", List.of(slow), null, null, null, false);
            paced.apply(List.of(first));
            // the first holds the only slot (launched, never healthy) before the next asks for it
            await().atMost(Duration.ofSeconds(10)).until(() -> paced.observe().stream().filter(o -> o.instanceUid().equals("s1"))
                    .flatMap(o -> o.replicas().stream()).anyMatch(r -> r.pid() != null));
            paced.apply(List.of(first, deployment("s2", "next", "exec sleep 60", Map.of(), false)));
            await().atMost(Duration.ofSeconds(10)).until(() -> paced.observe().stream().filter(o -> o.instanceUid().equals("s2"))
                    .flatMap(o -> o.replicas().stream()).anyMatch(ObservedReplica::healthy));
            assertThat(paced.observe().stream().filter(o -> o.instanceUid().equals("s1")).flatMap(o -> o.replicas().stream()))
                    .allMatch(r -> r.pid() != null && !r.healthy());
        } finally {
            paced.close();
        }
    }

    @Test
    void stoppingWhileReplicasAreBeingLaunchedLeavesNoProcessBehind() throws Exception {
        String marker = "60" + System.nanoTime() % 1_000_000;
        for (int i = 0; i < 20; i++) {
            ProcessDriver quick = new ProcessDriver(work.resolve("quick-" + i), new DriverSettings(GRACE, 10), () -> { });
            quick.apply(List.of(deployment("q" + i, "quick" + i, "exec sleep " + marker + "." + i, Map.of(), false)));
            quick.close();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.allProcesses()
                .noneMatch(p -> p.info().commandLine().map(c -> c.contains("sleep " + marker + ".")).orElse(false)));
    }
}
