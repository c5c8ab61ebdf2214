package dev.tenantry.agent.driver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * An instance's directory and those inside it, made (or made again) with the permissions that keep tenants apart.
 * Workloads running as the agent: the instance directory is 0700. Workloads running as their tenant's own user:
 * the instance directory is the agent's and 0711 (passable, not listable), the workload's directories (data,
 * working directories) are the tenant user's and 0700, the agent's (logs, replica records) stay the agent's, 0700.
 */
final class InstanceDirectories {
    static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> PASSABLE = PosixFilePermissions.fromString("rwx--x--x");

    private InstanceDirectories() {}

    /** {@code user}: the workload's own user, or null when it runs as the agent. */
    static void create(Path instanceDir, List<Path> agentDirs, List<Path> workloadDirs, WorkloadUser user) throws IOException {
        Files.createDirectories(instanceDir);
        permit(instanceDir, user == null ? OWNER_ONLY : PASSABLE);
        for (Path dir : agentDirs) {
            Files.createDirectories(dir);
            if (user != null) permit(dir, OWNER_ONLY);
        }
        for (Path dir : workloadDirs) {
            Files.createDirectories(dir);
            if (user == null) continue;
            permit(dir, OWNER_ONLY);
            if (!Integer.valueOf(user.uid()).equals(Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS))) giveTree(dir, user);
        }
    }

    private static void permit(Path dir, Set<PosixFilePermission> permissions) throws IOException {
        if (!Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS).equals(permissions)) Files.setPosixFilePermissions(dir, permissions);
    }

    /** Hands the directory and all in it to the workload's user (data written while workloads ran as the agent). */
    private static void giveTree(Path dir, WorkloadUser user) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Files.setAttribute(p, "unix:uid", user.uid(), LinkOption.NOFOLLOW_LINKS);
                Files.setAttribute(p, "unix:gid", user.gid(), LinkOption.NOFOLLOW_LINKS);
            }
        }
    }
}
