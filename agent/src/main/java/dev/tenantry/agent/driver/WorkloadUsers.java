package dev.tenantry.agent.driver;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.tenantry.api.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which user each tenant's workloads run as. An agent running as root gives every tenant a uid and gid of its own,
 * from {@link #FIRST_ID} up, kept in {@code tenant-ids.json} in its work directory so that they never change: one
 * tenant's processes can then neither read another tenant's data directory nor its processes' environment.
 * An agent that is not root, or whose instance directories other users cannot reach (a parent directory without
 * {@code o+x}), or without {@code setpriv}, runs every workload as itself, and says so once at start.
 */
final class WorkloadUsers {
    private static final Logger log = LoggerFactory.getLogger(WorkloadUsers.class);
    /** The first uid (and gid) given to a tenant; well above the ids of people and system accounts. */
    static final int FIRST_ID = 200_000;
    static final String FILE = "tenant-ids.json";
    private static final TypeReference<TreeMap<String, Integer>> TYPE = new TypeReference<>() {};

    private final Path file;
    private final boolean separate;
    private final Map<String, Integer> ids;
    private final ReentrantLock lock = new ReentrantLock();

    private WorkloadUsers(Path file, boolean separate, Map<String, Integer> ids) {
        this.file = file;
        this.separate = separate;
        this.ids = ids;
    }

    /** For an agent whose instance directories are under {@code instancesDir}; reads the ids given before. */
    static WorkloadUsers forInstancesUnder(Path workDir, Path instancesDir) {
        Optional<String> reason = whyNotSeparate(instancesDir);
        reason.ifPresent(r -> log.warn("Every tenant's workloads run as the agent's own user: {}", r));
        Path file = workDir.resolve(FILE);
        Map<String, Integer> ids = Files.exists(file) ? read(file) : new TreeMap<>();
        return new WorkloadUsers(file, reason.isEmpty(), ids);
    }

    /** Whether each tenant has a user of its own here. */
    boolean separate() {
        return separate;
    }

    /** The user the tenant's workloads run as; empty when they run as the agent. */
    Optional<WorkloadUser> of(String tenant) {
        if (!separate) return Optional.empty();
        lock.lock();
        try {
            Integer id = ids.get(tenant);
            if (id == null) {
                id = ids.values().stream().mapToInt(Integer::intValue).max().orElse(FIRST_ID - 1) + 1;
                ids.put(tenant, id);
                Json.writeAtomically(file, ids);
            }
            return Optional.of(new WorkloadUser(id, id));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record the user of tenant " + tenant + " in " + file, e);
        } finally {
            lock.unlock();
        }
    }

    private static Optional<String> whyNotSeparate(Path instancesDir) {
        try {
            Files.createDirectories(instancesDir);
            if (!Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"))) {
                return Optional.of("the agent is not root, so it cannot start them as users of their own");
            }
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.of("the agent cannot prepare " + instancesDir + " or tell which user it runs as (" + e + ")");
        }
        if (!WorkloadUser.canDropPrivileges()) return Optional.of("setpriv (util-linux) is not installed");
        Path dir = instancesDir.toAbsolutePath().getParent();
        while (dir != null) {
            try {
                if (!Files.getPosixFilePermissions(dir).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                    return Optional.of(dir + " is closed to other users (chmod o+x " + dir + " lets each tenant run as a user of its own;"
                            + " o+x lets users pass through, not list it)");
                }
            } catch (IOException e) {
                return Optional.of("cannot read the permissions of " + dir + " (" + e.getMessage() + ")");
            }
            dir = dir.getParent();
        }
        return Optional.empty();
    }

    private static Map<String, Integer> read(Path file) {
        try {
            return Json.MAPPER.readValue(file.toFile(), TYPE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + "; tenants' users must not change", e);
        }
    }
}
