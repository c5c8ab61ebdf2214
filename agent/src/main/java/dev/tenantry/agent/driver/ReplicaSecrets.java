package dev.tenantry.agent.driver;

import dev.tenantry.api.blueprint.Placeholders;
import dev.tenantry.api.cell.Deployment;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The secrets one replica is given, delivered when its process starts and never before: values from
 * {@link SecretValues} (memory), written as files into the replica's own directory under the agent's secrets
 * directory (in memory, {@code /dev/shm}), 0700 and 0600 and owned by the workload's user, and filled into the
 * environment variables that name them. Nothing of it is written into the agent's work directory.
 */
final class ReplicaSecrets {
    static final ReplicaSecrets NONE = new ReplicaSecrets(null, null, null, Set.of(), Map.of(), key -> null);

    private final SecretValues values;
    private final Deployment deployment;
    private final Path dir;
    private final Set<String> files;
    private final Map<String, String> envTemplates;
    private final Function<String, String> placeholders;

    /**
     * {@code files}: the secrets given as files (in {@code dir}); {@code envTemplates}: the environment variables
     * whose value names a secret, as the server sent them, rendered in one pass when the process starts with the
     * secrets' values and the replica's other {@code placeholders} (so nothing in a value is ever expanded).
     */
    ReplicaSecrets(SecretValues values, Deployment deployment, Path dir, Set<String> files, Map<String, String> envTemplates,
                   Function<String, String> placeholders) {
        this.placeholders = placeholders;
        this.values = values;
        this.deployment = deployment;
        this.dir = dir;
        this.files = Set.copyOf(files);
        this.envTemplates = Map.copyOf(envTemplates);
    }

    static Path file(Path dir, String name) {
        return dir.resolve(name);
    }

    boolean isEmpty() {
        return files.isEmpty() && envTemplates.isEmpty();
    }

    /** Writes the replica's secret files and returns its environment variables with the values filled in. */
    Map<String, String> deliver(WorkloadUser user) throws IOException {
        if (isEmpty()) return Map.of();
        Map<String, String> secrets = values.of(deployment);
        if (!files.isEmpty()) {
            for (Path parent : java.util.List.of(dir.getParent().getParent(), dir.getParent())) {
                Files.createDirectories(parent);
                Files.setPosixFilePermissions(parent, user == null ? InstanceDirectories.OWNER_ONLY : InstanceDirectories.PASSABLE);
            }
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, InstanceDirectories.OWNER_ONLY);
            for (String name : files) write(file(dir, name), secrets.get(name));
            if (user != null) {
                try (var all = Files.list(dir)) {
                    for (Path p : (Iterable<Path>) all::iterator) own(p, user);
                }
                own(dir, user);
            }
        }
        Map<String, String> env = new LinkedHashMap<>();
        envTemplates.forEach((k, template) -> env.put(k, Placeholders.render(template,
                key -> key.startsWith(Placeholders.SECRET) ? secrets.get(key.substring(Placeholders.SECRET.length())) : placeholders.apply(key))));
        return env;
    }

    /** Removes the replica's secret files (its process has ended). */
    void remove() {
        if (dir == null || !Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) return;
        try {
            dev.tenantry.api.Directories.deleteTree(dir);
        } catch (IOException e) {
            // the directory is in memory and goes with the next reboot; the next start of this replica writes it anew
            org.slf4j.LoggerFactory.getLogger(ReplicaSecrets.class).warn("Could not remove the secret files in {}: {}", dir, e.getMessage());
        }
    }

    private static void write(Path file, String value) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, value, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
    }

    private static void own(Path p, WorkloadUser user) throws IOException {
        Files.setAttribute(p, "unix:uid", user.uid(), LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(p, "unix:gid", user.gid(), LinkOption.NOFOLLOW_LINKS);
    }
}
