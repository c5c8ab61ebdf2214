package dev.tenantry.agent.driver;

import dev.tenantry.api.blueprint.Placeholders;
import dev.tenantry.api.cell.Deployment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs an instance's release hooks (pre- and post-upgrade) as its workload user, in its data directory. */
final class HookRunner {
    private static final Logger log = LoggerFactory.getLogger(HookRunner.class);

    private final Path instancesDir;
    private final WorkloadUsers users;
    private final Duration stopGrace;
    private final int nice;

    HookRunner(Path instancesDir, WorkloadUsers users, Duration stopGrace, int nice) {
        this.instancesDir = instancesDir;
        this.users = users;
        this.stopGrace = stopGrace;
        this.nice = nice;
    }

    /**
     * Runs a release hook of the instance in its directory, with its environment and data directory, its output
     * appended to {@code logs/hooks.log}, in a session of its own at the workloads' niceness; empty when it exits 0 in
     * time, else why it failed. Whatever way it ends (its exit, its timeout, an interrupt: the agent stops), nothing it
     * started is left running: what it left outside its tree is found by its marker ({@link OrphanSweep#hookKey}).
     */
    Optional<String> run(Deployment d, String name, List<String> command, Duration timeout) {
        Path dir = instancesDir.resolve(d.instanceUid());
        Path dataDir = dir.resolve("data");
        Path logFile = dir.resolve("logs").resolve("hooks.log");
        Function<String, String> resolver = key -> key.equals("instance.dataDir") ? dataDir.toString() : null;
        List<String> words = command.stream().map(s -> Placeholders.render(s, resolver)).toList();
        String key = OrphanSweep.hookKey(d.instanceUid(), name, d.generation());
        Process p;
        try {
            WorkloadUser user = users.of(d.tenant()).orElse(null);
            InstanceDirectories.create(dir, List.of(logFile.getParent()), List.of(dataDir), user);
            if (Executables.resolve(words.get(0), dataDir).isEmpty()) return Optional.of(name + " hook could not run: command not found: " + words.get(0));
            Files.writeString(logFile, "--- " + name + " hook of release " + d.release() + ": " + String.join(" ", words) + "\n",
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            ProcessBuilder pb = new ProcessBuilder(Launcher.command(words, nice, user, List.of())).directory(dataDir.toFile())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
            pb.environment().clear();
            pb.environment().putAll(ReplicaSpecs.environment(instancesDir, d, dataDir, dir));
            pb.environment().put(OrphanSweep.REPLICA_MARKER, key);
            log.info("Running the {} hook of {} (release {})", name, d.key(), d.release());
            p = pb.start();
        } catch (IOException e) {
            return Optional.of(name + " hook could not run: " + e.getMessage());
        }
        boolean interrupted = false;
        Optional<String> failed;
        try {
            // onExit parks; Process.waitFor would pin a virtual thread on JDK 21-23
            p.onExit().get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            failed = p.exitValue() == 0 ? Optional.empty()
                    : Optional.of(name + " hook exited with code " + p.exitValue() + WatchedProcess.lastLine(logFile).map(l -> ": " + l).orElse(""));
        } catch (java.util.concurrent.TimeoutException e) {
            failed = Optional.of(name + " hook did not finish within " + timeout.toSeconds() + " s");
        } catch (java.util.concurrent.ExecutionException e) {
            failed = Optional.of(name + " hook could not be waited for: " + e.getCause());
        } catch (InterruptedException e) {
            interrupted = true;
            failed = Optional.of(name + " hook was interrupted");
        }
        // the stop's waits are not cut short by the interrupt: the hook and what it left get their grace period
        if (p.isAlive()) WatchedProcess.terminate(p.toHandle(), stopGrace);
        WatchedProcess.stopAllFound(() -> OrphanSweep.launchedAs(key), stopGrace, "the " + name + " hook of " + d.key() + " left running");
        if (interrupted) Thread.currentThread().interrupt();
        return failed;
    }
}
