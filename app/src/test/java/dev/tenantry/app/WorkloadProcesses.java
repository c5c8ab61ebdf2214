package dev.tenantry.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The real workload processes of an agent, found in /proc by the marker every workload carries in its environment. */
final class WorkloadProcesses {
    /** A workload process: its pid and the replica it says it is. */
    record Workload(long pid, String tenant, String instance, String replica) {
        String slot() {
            return tenant + "/" + instance + "#" + replica;
        }
    }

    private WorkloadProcesses() {}

    /** Every live process whose environment marks it as a workload of the agent working in {@code agentWorkDir}. */
    static List<Workload> of(Path agentWorkDir) throws IOException {
        String marker = agentWorkDir.resolve("instances").toAbsolutePath().toString();
        List<Workload> found = new ArrayList<>();
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.filter(p -> p.getFileName().toString().matches("[0-9]+")).toList()) {
                Map<String, String> env = environment(proc);
                if (!marker.equals(env.get("TENANTRY_AGENT_DIR"))) continue;
                found.add(new Workload(Long.parseLong(proc.getFileName().toString()), env.get("TENANTRY_TENANT"), env.get("TENANTRY_INSTANCE"),
                        env.get("TENANTRY_REPLICA")));
            }
        }
        return found;
    }

    private static Map<String, String> environment(Path proc) {
        Map<String, String> env = new HashMap<>();
        try {
            for (String entry : new String(Files.readAllBytes(proc.resolve("environ")), StandardCharsets.UTF_8).split("\0")) {
                int eq = entry.indexOf('=');
                if (eq > 0) env.put(entry.substring(0, eq), entry.substring(eq + 1));
            }
        } catch (IOException | SecurityException gone) {
            // ended meanwhile, or another user's process: not a workload of ours
        }
        return env;
    }
}
