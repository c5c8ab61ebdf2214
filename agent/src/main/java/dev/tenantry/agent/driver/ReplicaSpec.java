package dev.tenantry.agent.driver;

import dev.tenantry.api.blueprint.HealthCheck;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One replica as it will run: its command, environment, allocated ports, directories, health check, the
 * fingerprint of the template it is started from, the user it runs as (null: the agent's), its size (null: no limits)
 * and the secrets it is given when its process starts.
 */
record ReplicaSpec(String instanceUid, String component, int index, long generation, List<String> command,
                   Map<String, String> env, Map<String, Integer> ports, Path dataDir, Path workingDir, Path logFile, Path stateFile,
                   HealthCheck health, int nice, String template, String release, WorkloadUser user,
                   dev.tenantry.api.blueprint.Resources size, ReplicaSecrets secrets) {
    ReplicaSpec {
        secrets = secrets == null ? ReplicaSecrets.NONE : secrets;
    }

    /** The agent's directories of the replica: its log and its record (created by its supervisor before it starts). */
    List<Path> agentDirectories() {
        return List.of(logFile.getParent(), stateFile.getParent());
    }

    /** The workload's own directories: the instance's data and the replica's working directory. */
    List<Path> workloadDirectories() {
        return List.of(dataDir, workingDir);
    }

    /** The instance's own directory, which holds all of the above. */
    Path instanceDir() {
        return dataDir.getParent();
    }

    String name() {
        return component + "-" + index;
    }
}
