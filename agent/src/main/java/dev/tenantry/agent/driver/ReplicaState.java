package dev.tenantry.agent.driver;

import dev.tenantry.api.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * What the agent needs to adopt a running replica after a restart, kept beside it in
 * {@code run/{component}-{n}.g{generation}.json}: its process (pid and the kernel's start time, so that a
 * reused pid is never mistaken for it), the ports it listens on, and the template it was started from.
 */
record ReplicaState(String instanceUid, String component, int index, long generation, long pid, Instant processStart,
                    Instant startedAt, Map<String, Integer> ports, String template, String release) {

    /** The live process this state describes, if it still runs (same pid and same start time). */
    Optional<ProcessHandle> liveProcess() {
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .filter(h -> processStart == null || h.info().startInstant().map(processStart::equals).orElse(false));
    }

    void write(Path file) throws IOException {
        Json.writeAtomically(file, this);
    }

    /** The state in the file, or empty if it cannot be read (its process is then unknown: the orphan sweep finds it). */
    static Optional<ReplicaState> read(Path file) {
        return Json.readFile(file, ReplicaState.class);
    }
}
