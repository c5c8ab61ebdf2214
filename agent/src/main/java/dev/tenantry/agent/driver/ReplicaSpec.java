package dev.tenantry.agent.driver;

import dev.tenantry.api.blueprint.HealthCheck;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One replica as it will run: its command, environment, allocated ports, directories, health check, and the
 * fingerprint of the template it is started from.
 */
record ReplicaSpec(String instanceUid, String component, int index, long generation, List<String> command,
                   Map<String, String> env, Map<String, Integer> ports, Path dataDir, Path workingDir, Path logFile, Path stateFile,
                   HealthCheck health, int nice, String template, String release) {

    /** The directories the replica needs before it starts (created by its supervisor, not by the thread applying a desired state). */
    List<Path> directories() {
        return List.of(dataDir, workingDir, logFile.getParent(), stateFile.getParent());
    }

    /** The instance's own directory, which holds all of the above. */
    Path instanceDir() {
        return dataDir.getParent();
    }

    String name() {
        return component + "-" + index;
    }
}
