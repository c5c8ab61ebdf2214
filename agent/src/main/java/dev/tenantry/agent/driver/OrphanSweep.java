package dev.tenantry.agent.driver;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds workload processes of this agent's directory that nothing accounts for — an agent killed between
 * starting a process and writing its state file leaves one — by the marker variable every workload gets in
 * its environment ({@code /proc/{pid}/environ}), and stops them.
 */
final class OrphanSweep {
    static final String MARKER = "TENANTRY_AGENT_DIR";
    /**
     * Names, in a workload process's environment (inherited by whatever it starts), the replica launch or hook run it
     * belongs to: where control groups do not say it, what a replica or a hook left outside its tree is found by it.
     */
    static final String REPLICA_MARKER = "TENANTRY_AGENT_REPLICA";
    private static final Logger log = LoggerFactory.getLogger(OrphanSweep.class);

    private OrphanSweep() {}

    /** Stops every process marked with {@code instancesDir} that is not in {@code kept} nor a descendant of one. */
    static void stopUnknown(Path instancesDir, Set<Long> kept, Duration grace) throws IOException {
        for (ProcessHandle handle : marked(MARKER, instancesDir.toAbsolutePath().toString())) {
            if (kept.contains(handle.pid()) || descendsFromKept(handle, kept)) continue;
            log.warn("Stopping workload process {} that no replica accounts for", handle.pid());
            WatchedProcess.terminate(handle, grace);
        }
    }

    /** The value of {@link #REPLICA_MARKER} for replica {@code replica} ({@code web-0}) of a generation of an instance. */
    static String replicaKey(String instanceUid, String replica, long generation) {
        return instanceUid + "/" + replica + "/g" + generation;
    }

    /**
     * The processes (this agent's user may read) left running by a launch of the replica that has ended: those whose
     * environment names it ({@link #REPLICA_MARKER}). Empty when /proc cannot be listed.
     */
    static java.util.List<ProcessHandle> leftBy(ReplicaSpec spec) {
        return launchedAs(replicaKey(spec.instanceUid(), spec.name(), spec.generation()));
    }

    /** The value of {@link #REPLICA_MARKER} for a run of an instance's release hook ({@code pre-upgrade}) at a generation. */
    static String hookKey(String instanceUid, String hook, long generation) {
        // a replica's name ends with its index, a hook's does not: the two never meet
        return replicaKey(instanceUid, hook + "-hook", generation);
    }

    /** The live processes whose environment names the launch {@code key} ({@link #REPLICA_MARKER}). Empty when /proc cannot be listed. */
    static java.util.List<ProcessHandle> launchedAs(String key) {
        try {
            return marked(REPLICA_MARKER, key);
        } catch (IOException e) {
            log.warn("Cannot look for what {} left running: {}", key, e.toString());
            return java.util.List.of();
        }
    }

    /** The live processes but this one whose environment has {@code variable=value}. */
    private static java.util.List<ProcessHandle> marked(String variable, String value) throws IOException {
        byte[] marker = (variable + "=" + value + "\0").getBytes(StandardCharsets.UTF_8);
        long self = ProcessHandle.current().pid();
        java.util.List<ProcessHandle> found = new java.util.ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : (Iterable<Path>) procs::iterator) {
                String name = proc.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) continue;
                long pid = Long.parseLong(name);
                if (pid == self || !hasMarker(proc.resolve("environ"), marker)) continue;
                ProcessHandle.of(pid).ifPresent(found::add);
            }
        }
        return found;
    }

    private static boolean hasMarker(Path environ, byte[] marker) {
        byte[] env;
        try {
            env = Files.readAllBytes(environ);
        } catch (IOException | SecurityException e) {
            return false; // gone, or another user's process: not ours
        }
        // variables are NUL-terminated: the marker matches at the start or right after a NUL
        outer:
        for (int i = 0; i + marker.length <= env.length; i++) {
            if (i > 0 && env[i - 1] != 0) continue;
            for (int j = 0; j < marker.length; j++) if (env[i + j] != marker[j]) continue outer;
            return true;
        }
        return false;
    }

    private static boolean descendsFromKept(ProcessHandle h, Set<Long> kept) {
        for (Optional<ProcessHandle> p = h.parent(); p.isPresent(); p = p.get().parent()) {
            if (kept.contains(p.get().pid())) return true;
        }
        return false;
    }
}
