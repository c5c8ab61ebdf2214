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

    HookRunner(Path instancesDir, WorkloadUsers users, Duration stopGrace) {
        this.instancesDir = instancesDir;
        this.users = users;
        this.stopGrace = stopGrace;
    }

    /**
     * Runs a release hook of the instance in its directory, with its environment and data directory, its output
     * appended to {@code logs/hooks.log}; empty when it exits 0 in time, else why it failed.
     */
    Optional<String> run(Deployment d, String name, List<String> command, Duration timeout) {
        Path dir = instancesDir.resolve(d.instanceUid());
        Path dataDir = dir.resolve("data");
        Path logFile = dir.resolve("logs").resolve("hooks.log");
        Function<String, String> resolver = key -> key.equals("instance.dataDir") ? dataDir.toString() : null;
        List<String> words = command.stream().map(s -> Placeholders.render(s, resolver)).toList();
        try {
            WorkloadUser user = users.of(d.tenant()).orElse(null);
            InstanceDirectories.create(dir, List.of(logFile.getParent()), List.of(dataDir), user);
            Files.writeString(logFile, "--- " + name + " hook of release " + d.release() + ": " + String.join(" ", words) + "\n",
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            List<String> asUser = user == null ? words : java.util.stream.Stream.concat(user.dropPrivileges().stream(), words.stream()).toList();
            ProcessBuilder pb = new ProcessBuilder(asUser).directory(dataDir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
            pb.environment().clear();
            pb.environment().putAll(ReplicaSpecs.environment(instancesDir, d, dataDir, dir));
            log.info("Running the {} hook of {} (release {})", name, d.key(), d.release());
            Process p = pb.start();
            try {
                // onExit parks; Process.waitFor would pin a virtual thread on JDK 21-23
                p.onExit().get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                WatchedProcess.terminate(p.toHandle(), stopGrace);
                return Optional.of(name + " hook did not finish within " + timeout.toSeconds() + " s");
            } catch (java.util.concurrent.ExecutionException e) {
                return Optional.of(name + " hook could not be waited for: " + e.getCause());
            }
            if (p.exitValue() == 0) return Optional.empty();
            return Optional.of(name + " hook exited with code " + p.exitValue() + WatchedProcess.lastLine(logFile).map(l -> ": " + l).orElse(""));
        } catch (IOException e) {
            return Optional.of(name + " hook could not run: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of(name + " hook was interrupted");
        }
    }
}
