package dev.tenantry.agent.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One replica supervisor with a real process and the cell's start slots in the test's hands. */
class ReplicaSupervisorIT {
    @TempDir
    Path work;

    private ReplicaSpec spec(String script) {
        return new ReplicaSpec("u1", "web", 0, 1, List.of("/bin/sh", "-c", script), Map.of("PATH", "/usr/bin:/bin"), Map.of(),
                work.resolve("data"), work.resolve("web-0"), work.resolve("logs/web-0.log"), work.resolve("run/web-0.json"), null, 0, "t", "1.0.0", null, null, null);
    }

    @Test
    void aFailedReplicaWaitingForAStartSlotStillShowsItsFailure() {
        StartSlots slots = new StartSlots(1, Duration.ofSeconds(5));
        ReplicaSupervisor crashing = new ReplicaSupervisor(spec("echo boom; exit 7"), () -> { }, slots);
        crashing.start();
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> crashing.snapshot().state() == ReplicaSupervisor.State.FAILED);
            StartSlots.Slot taken = await().atMost(Duration.ofSeconds(20)).until(slots::tryTake, java.util.Objects::nonNull);
            try {
                await().atMost(Duration.ofSeconds(20)).until(() -> slots.waiting() == 1);
                assertThat(crashing.snapshot().state()).isEqualTo(ReplicaSupervisor.State.FAILED);
                assertThat(crashing.snapshot().message()).contains("exited with code 7: boom");
            } finally {
                taken.release();
            }
        } finally {
            crashing.stop(Duration.ofSeconds(1));
        }
    }

    private record Queued(ReplicaSupervisor supervisor, StartSlots.Slot taken) {}

    /** A replica started while the cell's only start slot is taken, once it waits for it. */
    private Queued queuedBehindATakenSlot() {
        StartSlots slots = new StartSlots(1, Duration.ofSeconds(5));
        StartSlots.Slot taken = slots.tryTake();
        ReplicaSupervisor waiting = new ReplicaSupervisor(spec("exec sleep 60"), () -> { }, slots);
        waiting.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> slots.waiting() == 1);
        return new Queued(waiting, taken);
    }

    @Test
    void aReplicaWaitingForAStartSlotSaysSoAndStartsWhenOneIsFree() {
        Queued queued = queuedBehindATakenSlot();
        ReplicaSupervisor waiting = queued.supervisor();
        StartSlots.Slot taken = queued.taken();
        try {
            assertThat(waiting.snapshot().message()).isEqualTo(ReplicaSupervisor.WAITING_TO_START);
            assertThat(waiting.snapshot().pid()).isNull();
            assertThat(waiting.snapshot().queued()).isTrue();
            // prepared while it waits: the start it waits for does not also wait for its directories to be made
            assertThat(work.resolve("web-0")).isDirectory();
            assertThat(work.resolve("logs")).isDirectory();
            taken.release();
            await().atMost(Duration.ofSeconds(10)).until(() -> waiting.snapshot().state() == ReplicaSupervisor.State.HEALTHY);
            assertThat(waiting.snapshot().message()).isNull();
            assertThat(waiting.snapshot().queued()).isFalse();
        } finally {
            waiting.stop(Duration.ofSeconds(1));
        }
    }

    @Test
    void aReplicaPreparesItsLaunchOnlyOnceItIsAmongTheNextToStart() {
        StartSlots slots = new StartSlots(1, Duration.ofSeconds(5));
        StartSlots.Turn starting = slots.tryTakeTurn();
        StartSlots.Turn next = slots.tryTakeTurn();
        StartSlots.Slot taken = slots.tryTake(starting);
        ReplicaSupervisor later = new ReplicaSupervisor(spec("exec sleep 60"), () -> { }, slots);
        later.start();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> slots.waiting() == 1);
            assertThat(later.snapshot().message()).isEqualTo(ReplicaSupervisor.WAITING_TO_START);
            assertThat(later.snapshot().queued()).isTrue();
            // two ahead of it (one starting, one prepared to start next): nothing of it is made yet
            assertThat(work.resolve("web-0")).doesNotExist();
            assertThat(work.resolve("logs")).doesNotExist();
            next.release();
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.isDirectory(work.resolve("web-0")) && slots.waiting() == 1);
            assertThat(work.resolve("logs")).isDirectory();
            assertThat(later.snapshot().pid()).as("prepared, waiting for the slot").isNull();
            assertThat(later.snapshot().queued()).isTrue();
            taken.release();
            await().atMost(Duration.ofSeconds(10)).until(() -> later.snapshot().state() == ReplicaSupervisor.State.HEALTHY);
            assertThat(later.snapshot().queued()).isFalse();
        } finally {
            later.stop(Duration.ofSeconds(1));
        }
        assertThat(List.of(slots.tryTakeTurn(), slots.tryTakeTurn())).as("its turn came back with its slot").doesNotContainNull();
    }

    @Test
    void aReplicaLeavesTheQueueWithItsLaunchSoNoObservationShowsItNeitherWaitingNorLaunched() throws Exception {
        Queued queued = queuedBehindATakenSlot();
        ReplicaSupervisor waiting = queued.supervisor();
        StartSlots.Slot taken = queued.taken();
        try {
            java.util.List<ReplicaSupervisor.Snapshot> between = new java.util.concurrent.CopyOnWriteArrayList<>();
            java.util.concurrent.atomic.AtomicBoolean launched = new java.util.concurrent.atomic.AtomicBoolean();
            // looks as often as it can while the slot is handed over and the process spawned (a few milliseconds)
            long giveUp = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            Thread observer = Thread.ofPlatform().start(() -> {
                while (!launched.get() && System.nanoTime() < giveUp) {
                    ReplicaSupervisor.Snapshot seen = waiting.snapshot();
                    if (seen.pid() != null) launched.set(true);
                    else if (!seen.queued()) between.add(seen);
                }
            });
            taken.release();
            observer.join(Duration.ofSeconds(10));
            assertThat(launched).isTrue();
            assertThat(between).as("snapshots out of the queue and not yet launched").isEmpty();
            await().atMost(Duration.ofSeconds(10)).until(() -> waiting.snapshot().state() == ReplicaSupervisor.State.HEALTHY);
            assertThat(waiting.snapshot().queued()).isFalse();
            assertThat(waiting.snapshot().message()).isNull();
        } finally {
            waiting.stop(Duration.ofSeconds(1));
        }
    }

    @Test
    void aStartThatCannotBePreparedFailsWithoutTakingAStartSlot() {
        StartSlots slots = new StartSlots(1, Duration.ofSeconds(60));
        Map<String, String> env = new java.util.HashMap<>(Map.of("PATH", "/usr/bin:/bin"));
        env.put("BROKEN", null); // the JDK refuses a null environment value with an unchecked exception
        ReplicaSpec s = spec("exec sleep 60");
        ReplicaSpec broken = new ReplicaSpec(s.instanceUid(), s.component(), s.index(), s.generation(), s.command(), env, s.ports(), s.dataDir(),
                s.workingDir(), s.logFile(), s.stateFile(), s.health(), s.nice(), s.template(), s.release(), s.user(), s.size(), s.secrets());
        ReplicaSupervisor supervisor = new ReplicaSupervisor(broken, () -> { }, slots);
        supervisor.start();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> supervisor.snapshot().state() == ReplicaSupervisor.State.FAILED);
            assertThat(supervisor.snapshot().message()).startsWith("cannot start /bin/sh");
            assertThat(slots.starting()).as("no slot is held by a start that failed").isZero();
            StartSlots.Slot next = slots.tryTake();
            assertThat(next).isNotNull();
            next.release();
        } finally {
            supervisor.stop(Duration.ofSeconds(1));
        }
    }

    @Test
    void aLaunchThatFailsGivesItsStartSlotBackAndSaysWhy() throws Exception {
        StartSlots slots = new StartSlots(1, Duration.ofSeconds(60));
        // the log the process's output is appended to is a directory: the launch itself fails, holding a slot
        java.nio.file.Files.createDirectories(work.resolve("logs/web-0.log"));
        ReplicaSupervisor supervisor = new ReplicaSupervisor(spec("exec sleep 60"), () -> { }, slots);
        supervisor.start();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> supervisor.snapshot().state() == ReplicaSupervisor.State.FAILED);
            assertThat(supervisor.snapshot().message()).startsWith("cannot start /bin/sh");
            StartSlots.Slot next = slots.tryTake();
            assertThat(next).as("the slot came back although the launch failed").isNotNull();
            next.release();
        } finally {
            supervisor.stop(Duration.ofSeconds(1));
        }
    }

    @Test
    void aStartingReplicaIsCheckedWhenItWritesToItsLog() throws Exception {
        // the health check asks this test's server, which never says healthy and notes when it was asked
        java.util.List<Long> probes = new java.util.concurrent.CopyOnWriteArrayList<>(); // read while the server adds
        com.sun.net.httpserver.HttpServer health = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 50);
        health.createContext("/healthz", ex -> {
            probes.add(System.nanoTime());
            ex.sendResponseHeaders(503, -1);
            ex.close();
        });
        health.start();
        Path logFile = work.resolve("logs/web-0.log");
        ReplicaSpec silent = new ReplicaSpec("u1", "web", 0, 1, List.of("/bin/sh", "-c", "exec sleep 60"), Map.of("PATH", "/usr/bin:/bin"),
                Map.of("http", health.getAddress().getPort()), work.resolve("data"), work.resolve("web-0"), logFile, work.resolve("run/web-0.json"),
                new dev.tenantry.api.blueprint.HealthCheck(dev.tenantry.api.blueprint.HealthCheck.Type.http, "http", "/healthz", null, 1000, null),
                0, "t", "1.0.0", null, null, null);
        try (OutputWatch output = OutputWatch.start()) {
            ReplicaSupervisor supervisor = new ReplicaSupervisor(silent, () -> { }, new StartSlots(1, Duration.ofSeconds(60), output));
            supervisor.start();
            try {
                // once it has been starting for four seconds, the timer checks it every 100 ms
                await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> {
                    int n = probes.size();
                    return n >= 2 && probes.get(n - 1) - probes.get(n - 2) >= Duration.ofMillis(90).toNanos();
                });
                int soon = 0;
                for (int i = 0; i < 8; i++) {
                    long written = System.nanoTime();
                    java.nio.file.Files.writeString(logFile, "line " + i + "\n", java.nio.file.StandardOpenOption.APPEND);
                    await().atMost(Duration.ofSeconds(2)).until(() -> probes.stream().anyMatch(t -> t > written));
                    long next = probes.stream().filter(t -> t > written).min(Long::compare).orElseThrow();
                    if (next - written < Duration.ofMillis(30).toNanos()) soon++;
                    Thread.sleep(150);
                }
                assertThat(soon).as("writes followed by a check within 30 ms (the timer alone: 3 in 10)").isGreaterThanOrEqualTo(6);
                assertThat(supervisor.snapshot().state()).isEqualTo(ReplicaSupervisor.State.STARTING);
            } finally {
                supervisor.stop(Duration.ofSeconds(1));
            }
        } finally {
            health.stop(0);
        }
    }

    @Test
    void aStartAnnouncedInItsLogIsCheckedAtTheAnnouncementAndTheNextStartOfItsCommandHardlyBefore() throws Exception {
        // healthy once the workload says so in its log (or has made its "ready" file); the health server counts the checks before
        Path ready = work.resolve("ready");
        java.util.concurrent.atomic.AtomicInteger refused = new java.util.concurrent.atomic.AtomicInteger();
        com.sun.net.httpserver.HttpServer health = healthServer(ready, refused);
        // it announces that it listens, as most servers do: its line is its readiness
        ReplicaSpec announcing = checkedSpec(script(ready), health);
        try (OutputWatch output = OutputWatch.start()) {
            StartSlots slots = new StartSlots(1, Duration.ofSeconds(60), output);
            assertThat(slots.startupLog(announcing.command(), true)).as("a command not seen yet").isEqualTo(StartSlots.StartupLog.TOLD);
            startUntilHealthy(announcing, slots, ready, refused);
            assertThat(slots.startupLog(announcing.command(), true)).as("found healthy at the check its line prompted")
                    .isEqualTo(StartSlots.StartupLog.ANNOUNCES);
            int secondStart = startUntilHealthy(announcing, slots, ready, refused);
            assertThat(secondStart).as("checks before the second start was ready (100 ms apart, none at its launch)").isLessThanOrEqualTo(6);

            // a start of the same command that does not announce itself (its line comes late) is still found, by the
            // timer, and unlearns it
            Files.writeString(work.resolve("announce"), "late");
            ReplicaSpec changed = checkedSpec(script(ready), health);
            slots.learn(changed.command(), true);
            startUntilHealthy(changed, slots, ready, refused);
            assertThat(slots.startupLog(changed.command(), true)).isEqualTo(StartSlots.StartupLog.TOLD);
        } finally {
            health.stop(0);
        }
    }

    /**
     * Ready after 0.55 s as it says so (its line is what the health server looks for), or, once the file {@code announce}
     * next to it says "late", ready then ({@code ready} made) and saying so 5 s later. Half a timer period short of 0.6 s:
     * a busy machine's shell may start it up to 150 ms late and the 100 ms timer still checks it at most six times before
     * it is ready.
     */
    private String script(Path ready) {
        Path announce = work.resolve("announce");
        return "sleep 0.55; if grep -q late " + announce + " 2>/dev/null; then touch " + ready + "; sleep 5; fi; echo serving; exec sleep 60";
    }

    private static com.sun.net.httpserver.HttpServer healthServer(Path ready, java.util.concurrent.atomic.AtomicInteger refused) throws java.io.IOException {
        com.sun.net.httpserver.HttpServer health = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 50);
        Path log = ready.resolveSibling("logs/web-0.log");
        health.createContext("/healthz", ex -> {
            boolean ok = Files.exists(ready) || Files.exists(log) && Files.readString(log).contains("serving");
            if (!ok) refused.incrementAndGet();
            ex.sendResponseHeaders(ok ? 200 : 503, -1);
            ex.close();
        });
        health.start();
        return health;
    }

    private ReplicaSpec checkedSpec(String script, com.sun.net.httpserver.HttpServer health) {
        return new ReplicaSpec("u1", "web", 0, 1, List.of("/bin/sh", "-c", script), Map.of("PATH", "/usr/bin:/bin"),
                Map.of("http", health.getAddress().getPort()), work.resolve("data"), work.resolve("web-0"), work.resolve("logs/web-0.log"),
                work.resolve("run/web-0.json"),
                new dev.tenantry.api.blueprint.HealthCheck(dev.tenantry.api.blueprint.HealthCheck.Type.http, "http", "/healthz", null, 1000, null),
                0, "t", "1.0.0", null, null, null);
    }

    /** Starts a replica of {@code spec} until it is healthy, then stops it; the checks it got before it was ready. */
    private static int startUntilHealthy(ReplicaSpec spec, StartSlots slots, Path ready, java.util.concurrent.atomic.AtomicInteger refused) throws Exception {
        Files.deleteIfExists(ready);
        Files.deleteIfExists(spec.logFile()); // the last start's line must not make this one ready
        refused.set(0);
        ReplicaSupervisor supervisor = new ReplicaSupervisor(spec, () -> { }, slots);
        supervisor.start();
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> supervisor.snapshot().state() == ReplicaSupervisor.State.HEALTHY);
            return refused.get();
        } finally {
            supervisor.stop(Duration.ofSeconds(1));
        }
    }

    @Test
    void waitingForAStartSlotIsNotedForTheNextReportNotReportedAtOnce() {
        CountedChanges changes = new CountedChanges();
        java.util.concurrent.atomic.AtomicInteger changed = changes.changed;
        java.util.concurrent.atomic.AtomicInteger noted = changes.noted;
        StartSlots slots = new StartSlots(1, Duration.ofSeconds(60));
        StartSlots.Slot taken = slots.tryTake();
        ReplicaSupervisor waiting = new ReplicaSupervisor(spec("exec sleep 60"), changes, slots);
        waiting.start();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> slots.waiting() == 1);
            // told right after the queued state is set: waited for, not read at once
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(noted).as("its entering the queue").hasValue(1));
            assertThat(waiting.snapshot().queued()).isTrue();
            assertThat(changed).as("nothing to report at once while it waits").hasValue(0);
            taken.release();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(noted).as("and its launch").hasValue(2));
            assertThat(waiting.snapshot().pid()).isNotNull();
            assertThat(changed).hasValue(0);
        } finally {
            waiting.stop(Duration.ofSeconds(1));
        }
    }

    @Test
    void aLaunchIsToldAsSuchAndNotAsAChangeToReportAtOnce() {
        CountedChanges changes = new CountedChanges();
        java.util.concurrent.atomic.AtomicInteger changed = changes.changed;
        java.util.concurrent.atomic.AtomicInteger launched = changes.noted;
        ReplicaSupervisor supervisor = new ReplicaSupervisor(spec("exec sleep 60"), changes, new StartSlots(1, Duration.ofSeconds(60)));
        supervisor.start();
        try {
            // told right after the pid is set: waited for, not read at once
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(launched).hasValue(1));
            assertThat(supervisor.snapshot().pid()).isNotNull();
            assertThat(changed).as("nothing to report at once before it is healthy").hasValue(0);
        } finally {
            supervisor.stop(Duration.ofSeconds(1));
        }
        assertThat(changed.get()).as("its stop is").isPositive();
    }

    /** Counts what a supervisor tells: changes to report at once, and changes noted for the next report. */
    private static final class CountedChanges implements ReplicaChanges {
        final java.util.concurrent.atomic.AtomicInteger changed = new java.util.concurrent.atomic.AtomicInteger();
        final java.util.concurrent.atomic.AtomicInteger noted = new java.util.concurrent.atomic.AtomicInteger();

        @Override
        public void changed() {
            changed.incrementAndGet();
        }

        @Override
        public void noted() {
            noted.incrementAndGet();
        }
    }
}
