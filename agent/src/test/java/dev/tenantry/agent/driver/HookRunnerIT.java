package dev.tenantry.agent.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tenantry.api.blueprint.Component;
import dev.tenantry.api.cell.Deployment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Release hooks run as real OS processes: what they leave running is stopped when they end, however they end. */
class HookRunnerIT {
    private static final Duration GRACE = Duration.ofSeconds(1);
    @TempDir
    Path work;

    private HookRunner runner() {
        Path instances = work.resolve("instances");
        return new HookRunner(instances, WorkloadUsers.forInstancesUnder(work, instances), GRACE, 10);
    }

    private static Deployment deployment(String uid) {
        Component c = new Component("web", List.of("/bin/sh", "-c", "exec sleep 60"), List.of(), Map.of(), List.of(), null, null, 1);
        return new Deployment(uid, "acme", "hooked", 3, "svc", "2.0.0", List.of(c), null, null, null, false);
    }

    private static List<String> script(String script) {
        return List.of("/bin/sh", "-c", script);
    }

    @Test
    void aDaemonTheHookLeftIsStoppedWhenTheHookSucceeds() throws Exception {
        // the subshell starts a sleep in a session of its own and exits: the sleep's parent is then init, as a daemon's is;
        // the hook says the daemon runs before it exits, so that the test cannot pass without one
        Optional<String> failed = runner().run(deployment("h1"), "post-upgrade",
                script("(setsid sleep 3061 & echo $! > daemon.pid); sleep 0.3; kill -0 $(cat daemon.pid) && echo daemon-running; echo done"),
                Duration.ofSeconds(30));

        assertThat(failed).isEmpty();
        assertThat(Files.readString(work.resolve("instances/h1/logs/hooks.log"))).contains("post-upgrade hook of release 2.0.0", "daemon-running", "done");
        long daemon = Long.parseLong(Files.readString(work.resolve("instances/h1/data/daemon.pid")).strip());
        // stopped when the hook ended; the pid is gone once init has reaped it, a moment later
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(ProcessHandle.of(daemon).filter(ProcessHandle::isAlive))
                .as("the hook's daemon, stopped once the hook exited").isEmpty());
        assertThat(LiveProcesses.running("sleep 3061")).isEmpty();
    }

    @Test
    void aHookThatTimesOutIsStoppedWithWhatItLeft() throws Exception {
        Optional<String> failed = runner().run(deployment("h2"), "pre-upgrade",
                script("(setsid sleep 3067 & echo $! > daemon.pid); kill -0 $(cat daemon.pid) && echo daemon-running; exec sleep 3069"),
                Duration.ofSeconds(1));

        assertThat(failed).contains("pre-upgrade hook did not finish within 1 s");
        assertThat(Files.readString(work.resolve("instances/h2/logs/hooks.log"))).contains("daemon-running");
        long daemon = Long.parseLong(Files.readString(work.resolve("instances/h2/data/daemon.pid")).strip());
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(ProcessHandle.of(daemon).filter(ProcessHandle::isAlive))
                .as("what it left").isEmpty());
        assertThat(LiveProcesses.running("sleep 3067")).isEmpty();
        assertThat(LiveProcesses.running("sleep 3069")).as("the hook itself").isEmpty();
    }

    @Test
    void aHookWhoseRunIsInterruptedIsStoppedNotLeftRunning() throws Exception {
        HookRunner runner = runner();
        CompletableFuture<Optional<String>> result = new CompletableFuture<>();
        Thread converging = Thread.ofVirtual().start(() -> {
            Optional<String> failed = runner.run(deployment("h3"), "pre-upgrade", script("(setsid sleep 3071 &); exec sleep 3073"),
                    Duration.ofSeconds(60));
            result.complete(failed.map(f -> f + (Thread.currentThread().isInterrupted() ? " (interrupt kept)" : "")));
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> LiveProcesses.first("sleep 3073").isPresent() && LiveProcesses.first("sleep 3071").isPresent());

        converging.interrupt(); // as the agent stopping an instance's converging thread does

        assertThat(result.get(10, TimeUnit.SECONDS)).contains("pre-upgrade hook was interrupted (interrupt kept)");
        assertThat(LiveProcesses.running("sleep 3073")).as("the hook itself").isEmpty();
        assertThat(LiveProcesses.running("sleep 3071")).as("what it left").isEmpty();
    }

    @Test
    void aHookWhoseCommandIsMissingSaysSoWithoutStarting() {
        Optional<String> failed = runner().run(deployment("h4"), "pre-upgrade", List.of("/opt/nowhere/migrate", "--all"), Duration.ofSeconds(5));

        assertThat(failed).contains("pre-upgrade hook could not run: command not found: /opt/nowhere/migrate");
    }
}
