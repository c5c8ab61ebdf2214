package dev.tenantry.agent.driver;

import dev.tenantry.api.blueprint.Component;
import dev.tenantry.api.blueprint.Placeholders;
import dev.tenantry.api.blueprint.Resources;
import dev.tenantry.api.cell.Deployment;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * What a replica of a deployment's component is made of: its command and environment with the placeholders rendered
 * (ports, resources, directories, secret files), its directories, log and state files, the secrets delivered to it, and
 * the user it runs as.
 */
final class ReplicaSpecs {
    private static final List<String> INHERITED_ENV = List.of("PATH", "LANG", "LC_ALL", "TZ", "JAVA_HOME");

    private final Path instancesDir;
    private final Path secretsDir;
    private final SecretValues secretValues;
    private final WorkloadUsers users;
    private final DriverSettings settings;

    ReplicaSpecs(Path instancesDir, Path secretsDir, SecretValues secretValues, WorkloadUsers users, DriverSettings settings) {
        this.instancesDir = instancesDir;
        this.secretsDir = secretsDir;
        this.secretValues = secretValues;
        this.users = users;
        this.settings = settings;
    }

    /** Replica {@code index} of the deployment's component {@code c}, on these ports, from that template and release. */
    ReplicaSpec of(Deployment d, Component c, int index, Map<String, Integer> ports, String template, String release) {
        Path dir = instancesDir.resolve(d.instanceUid());
        Path dataDir = dir.resolve("data");
        Path workingDir = dir.resolve("replicas").resolve(c.name() + "-" + index);
        Resources res = c.resources() == null ? Resources.DEFAULT : c.resources();
        Path secretDir = secretsDir.resolve(d.instanceUid()).resolve(c.name() + "-" + index + ".g" + d.generation());
        Set<String> secretFiles = new java.util.TreeSet<>();
        Function<String, String> resolver = key -> {
            if (key.startsWith("ports.")) return ports.containsKey(key.substring(6)) ? String.valueOf(ports.get(key.substring(6))) : null;
            if (key.startsWith(Placeholders.SECRET_FILE) && d.secrets().containsKey(key.substring(Placeholders.SECRET_FILE.length()))) {
                String name = key.substring(Placeholders.SECRET_FILE.length());
                secretFiles.add(name);
                return ReplicaSecrets.file(secretDir, name).toString();
            }
            // an optional secret parameter the instance was given no value for
            if (key.startsWith(Placeholders.SECRET) || key.startsWith(Placeholders.SECRET_FILE)) return "";
            return switch (key) {
                case "replica.index" -> String.valueOf(index);
                case "resources.memoryMb" -> String.valueOf(res.memoryMb());
                case "resources.cpuMillis" -> String.valueOf(res.cpuMillis());
                case "instance.dataDir" -> dataDir.toString();
                case "postgres.bin" -> settings.postgresBin() == null ? "" : settings.postgresBin().toString();
                default -> null;
            };
        };
        Map<String, String> env = environment(instancesDir, d, dataDir, workingDir);
        env.put("TENANTRY_REPLICA", String.valueOf(index));
        env.put(OrphanSweep.REPLICA_MARKER, OrphanSweep.replicaKey(d.instanceUid(), c.name() + "-" + index, d.generation()));
        ports.forEach((name, port) -> env.put("PORT_" + name.toUpperCase().replace('-', '_'), String.valueOf(port)));
        if (!ports.isEmpty()) env.put("PORT", String.valueOf(ports.values().iterator().next()));
        Map<String, String> secretEnv = new LinkedHashMap<>();
        // decided on the template as the server sent it: a tenant's value that reads {{secrets.x}} arrives as a literal, stays text
        c.env().forEach((k, v) -> {
            boolean namesSecret = Placeholders.keysIn(v).stream().anyMatch(key -> key.startsWith(Placeholders.SECRET)
                    && d.secrets().containsKey(key.substring(Placeholders.SECRET.length())));
            if (namesSecret) secretEnv.put(k, v);
            else env.put(k, Placeholders.render(v, resolver));
        });
        List<String> command = Stream.concat(c.command().stream(), c.args().stream()).map(s -> Placeholders.render(s, resolver)).toList();
        ReplicaSecrets secrets = secretFiles.isEmpty() && secretEnv.isEmpty() ? ReplicaSecrets.NONE
                : new ReplicaSecrets(secretValues, d, secretDir, secretFiles, secretEnv, resolver);
        return new ReplicaSpec(d.instanceUid(), c.name(), index, d.generation(), command, env, ports, dataDir, workingDir,
                dir.resolve("logs").resolve(c.name() + "-" + index + ".log"), dir.resolve("run").resolve(c.name() + "-" + index + ".g" + d.generation() + ".json"),
                c.health(), settings.workloadNice(), template, release, users.of(d.tenant()).orElse(null), res, secrets);
    }

    /** The clean environment of a workload process of the instance: nothing of the agent's but a few locale and path variables. */
    static Map<String, String> environment(Path instancesDir, Deployment d, Path dataDir, Path home) {
        Map<String, String> env = new LinkedHashMap<>();
        INHERITED_ENV.forEach(k -> {
            if (System.getenv(k) != null) env.put(k, System.getenv(k));
        });
        env.put("HOME", home.toString());
        env.put("TENANTRY_TENANT", d.tenant());
        env.put("TENANTRY_INSTANCE", d.instance());
        env.put("TENANTRY_SERVICE", d.service());
        env.put("TENANTRY_RELEASE", d.release());
        env.put("TENANTRY_DATA_DIR", dataDir.toString());
        env.put(OrphanSweep.MARKER, instancesDir.toAbsolutePath().toString());
        return env;
    }
}
