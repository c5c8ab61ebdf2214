package dev.tenantry.agent.driver;

import dev.tenantry.api.Hashes;
import dev.tenantry.api.blueprint.Resources;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A replica's size as limits the kernel enforces: a control group per replica under the agent's own (cgroup v1:
 * the {@code memory} and {@code cpu} hierarchies) with {@code memory.limit_in_bytes} = its memory and a CFS quota of
 * its CPU millicores per 100 ms. A replica that goes over its memory is killed by the kernel, which the group's
 * {@code oom_kill} count tells. Where the host does not allow it (not root, cgroup v2, no writable hierarchy) the
 * agent says so once at start and sizes are not enforced. A starting replica weighs {@link #STARTING_SHARES} against the
 * other replicas ({@code cpu.shares}) until it gives its start slot back.
 */
public final class CgroupLimits {
    private static final Logger log = LoggerFactory.getLogger(CgroupLimits.class);
    private static final Path ROOT = Path.of("/sys/fs/cgroup");
    private static final long CFS_PERIOD_US = 100_000;
    /** The kernel's default CPU weight of a group: a replica's once it is healthy. */
    public static final int NORMAL_SHARES = 1024;
    /**
     * The CPU weight of a replica while it starts (holds one of the cell's start slots): eight running replicas' worth,
     * so that a start is not spread thin among hundreds of serving replicas. Its quota (its size) still bounds it.
     */
    public static final int STARTING_SHARES = 8 * NORMAL_SHARES;
    public static final CgroupLimits NONE = new CgroupLimits(null, null);
    /** How long a replica's groups may take to empty once what was left in them is killed, before they are removed. */
    private static final java.time.Duration EMPTYING = java.time.Duration.ofSeconds(1);

    private final Path memoryParent;
    private final Path cpuParent;

    private CgroupLimits(Path memoryParent, Path cpuParent) {
        this.memoryParent = memoryParent;
        this.cpuParent = cpuParent;
    }

    /**
     * Limits for the replicas of the agent working in {@code workDir}: its groups are named after it (the benchmarks'
     * workloads started without the control plane get theirs the same way).
     */
    public static CgroupLimits forAgent(Path workDir) {
        try {
            if (Files.exists(ROOT.resolve("cgroup.controllers"))) {
                return disabled("the host has cgroup v2, which the process driver does not use yet");
            }
            Optional<Path> memory = ownGroup("memory");
            Optional<Path> cpu = ownGroup("cpu");
            if (memory.isEmpty() || cpu.isEmpty()) return disabled("the host has no cgroup v1 memory and cpu hierarchies");
            String name = "tenantry-" + Hashes.sha256(workDir.toAbsolutePath().toString()).substring(0, 12);
            Path memoryParent = memory.get().resolve(name);
            Path cpuParent = cpu.get().resolve(name);
            Files.createDirectories(memoryParent);
            Files.createDirectories(cpuParent);
            AbandonedGroups.sweep(memoryParent, java.time.Instant.now());
            AbandonedGroups.sweep(cpuParent, java.time.Instant.now());
            log.info("Replicas' memory and CPU sizes are enforced by cgroups under {} and {}", memoryParent, cpuParent);
            return new CgroupLimits(memoryParent, cpuParent);
        } catch (IOException | RuntimeException e) {
            return disabled("control groups cannot be created here (" + e.getMessage() + "); the agent may not be root");
        }
    }

    private static CgroupLimits disabled(String why) {
        log.warn("Replicas' memory and CPU sizes are not enforced: {}", why);
        return NONE;
    }

    public boolean enforced() {
        return memoryParent != null;
    }

    /** The agent's parent groups, memory's and CPU's (empty when sizes are not enforced). */
    List<Path> parents() {
        return enforced() ? List.of(memoryParent, cpuParent) : List.of();
    }

    /** The group of one replica, made (or made again) with its limits; empty when sizes are not enforced. */
    Optional<Group> groupFor(ReplicaSpec spec, Resources size) throws IOException {
        return group(spec.instanceUid() + "." + spec.name() + ".g" + spec.generation(), size);
    }

    /** The group {@code name}, made (or made again) with the limits of {@code size}; empty when sizes are not enforced. */
    public Optional<Group> group(String name, Resources size) throws IOException {
        if (!enforced() || size == null) return Optional.empty();
        Path memory = memoryParent.resolve(name);
        Path cpu = cpuParent.resolve(name);
        Files.createDirectories(memory);
        Files.createDirectories(cpu);
        write(memory.resolve("memory.limit_in_bytes"), String.valueOf((long) size.memoryMb() * 1024 * 1024));
        write(cpu.resolve("cpu.cfs_period_us"), String.valueOf(CFS_PERIOD_US));
        write(cpu.resolve("cpu.cfs_quota_us"), String.valueOf((long) size.cpuMillis() * CFS_PERIOD_US / 1000));
        return Optional.of(new Group(memory, cpu, size));
    }

    /**
     * Removes the groups of replicas whose processes are gone, then the agent's parent groups if nothing is left in
     * them (workloads left running keep theirs; the kernel refuses to remove a group with a process in it).
     */
    public void removeIfEmpty() {
        if (!enforced()) return;
        for (Path parent : List.of(memoryParent, cpuParent)) {
            try (var children = Files.list(parent)) {
                children.filter(Files::isDirectory).forEach(CgroupLimits::removeQuietly);
            } catch (IOException e) {
                log.debug("Cannot list {}: {}", parent, e.getMessage());
            }
            removeQuietly(parent);
        }
    }

    private static void removeQuietly(Path group) {
        try {
            Files.deleteIfExists(group);
        } catch (IOException stillInUse) {
            log.debug("Group {} stays: {}", group, stillInUse.getMessage());
        }
    }

    /** The agent's own group in a v1 hierarchy (its mount joined with the path in /proc/self/cgroup), if writable. */
    private static Optional<Path> ownGroup(String controller) throws IOException {
        Path mount = ROOT.resolve(controller);
        if (!Files.isDirectory(mount)) return Optional.empty();
        for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
            String[] parts = line.split(":", 3);
            if (parts.length == 3 && List.of(parts[1].split(",")).contains(controller)) {
                Path own = mount.resolve(parts[2].replaceFirst("^/", ""));
                return Files.isWritable(own) ? Optional.of(own) : Optional.empty();
            }
        }
        return Optional.empty();
    }

    private static void write(Path file, String value) throws IOException {
        Files.writeString(file, value, StandardCharsets.US_ASCII);
    }

    /** One replica's groups: the files its process joins them by, and what the kernel did to it. */
    public record Group(Path memory, Path cpu, Resources size) {
        public List<Path> procsFiles() {
            return List.of(memory.resolve("cgroup.procs"), cpu.resolve("cgroup.procs"));
        }

        /** How many times the kernel killed a process of this group for going over its memory. */
        long oomKills() {
            try {
                for (String line : Files.readAllLines(memory.resolve("memory.oom_control"))) {
                    if (line.startsWith("oom_kill ")) return Long.parseLong(line.substring(9).strip());
                }
            } catch (IOException | NumberFormatException e) {
                return 0;
            }
            return 0;
        }

        /** Weighs the group's CPU as {@code shares} against the other replicas' (a group already gone: nothing to do). */
        public void weighCpu(int shares) {
            try {
                write(cpu.resolve("cpu.shares"), String.valueOf(shares));
            } catch (IOException gone) {
                log.debug("Cannot weigh {}: {}", cpu, gone.getMessage());
            }
        }

        /**
         * The processes in the group now (its memory group's {@code cgroup.procs}): the replica's and any that left its
         * tree, as a daemon does; none once the group is gone.
         */
        List<ProcessHandle> processes() {
            try {
                return Files.readAllLines(memory.resolve("cgroup.procs")).stream().filter(line -> !line.isBlank())
                        .map(line -> ProcessHandle.of(Long.parseLong(line.strip()))).flatMap(Optional::stream).toList();
            } catch (IOException | NumberFormatException gone) {
                return List.of();
            }
        }

        /**
         * Stops what is left in the groups once the replica's own process has ended or been stopped — processes that
         * left its tree, as a daemon does, which stopping the tree misses — within about {@code grace}
         * ({@link WatchedProcess#stopAllFound}: a replica's stop waits that long for its supervisor), then removes the
         * groups (the kernel refuses while a process is in them).
         */
        void stopLeftoversAndRemove(java.time.Duration grace) {
            WatchedProcess.stopAllFound(this::processes, grace, "left in the control group " + memory.getFileName() + " of a replica that ended");
            // a killed process leaves the group once the kernel has finished with it, a moment after the signal
            long deadline = System.nanoTime() + EMPTYING.toNanos();
            while (!processes().isEmpty() && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            removeQuietly(memory);
            removeQuietly(cpu);
        }
    }
}
