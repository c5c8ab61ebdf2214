package dev.tenantry.agent.driver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes the control groups that agents no longer use: an agent whose work directory was deleted (a test's, a dev
 * mode's temporary home) or that was killed leaves its parent group and its replicas' empty groups behind, one set per
 * work directory, for good. At its start an agent removes every other agent's parent group ({@code tenantry-*}) in which
 * no process runs and no group was made for {@link #UNUSED_FOR}: a live agent's newest group is a replica it prepared
 * moments ago, and one that made none for that long gets its parent made again with its next replica's.
 */
final class AbandonedGroups {
    private static final Logger log = LoggerFactory.getLogger(AbandonedGroups.class);
    static final Duration UNUSED_FOR = Duration.ofHours(1);
    static final String PREFIX = "tenantry-";

    /** What decides whether one parent group is abandoned: whether a process is in it or its children, its newest group. */
    record Facts(boolean processes, Instant newestGroup) {}

    private AbandonedGroups() {}

    static boolean abandoned(Facts facts, Instant now) {
        return !facts.processes() && facts.newestGroup().plus(UNUSED_FOR).isBefore(now);
    }

    /** Removes the abandoned parent groups beside {@code own} (in one hierarchy), with their children; returns how many. */
    static int sweep(Path own, Instant now) {
        int removed = 0;
        try (Stream<Path> siblings = Files.list(own.getParent())) {
            for (Path parent : siblings.filter(p -> p.getFileName().toString().startsWith(PREFIX) && !p.equals(own) && Files.isDirectory(p)).toList()) {
                if (abandoned(facts(parent), now) && remove(parent)) removed++;
            }
        } catch (IOException e) {
            log.debug("Cannot look for abandoned groups beside {}: {}", own, e.getMessage());
        }
        if (removed > 0) log.info("Removed {} control groups of agents that no longer use them, beside {}", removed, own);
        return removed;
    }

    private static Facts facts(Path parent) throws IOException {
        List<Path> groups = groups(parent);
        boolean processes = false;
        Instant newest = Instant.EPOCH;
        for (Path g : groups) {
            processes |= !Files.readString(g.resolve("cgroup.procs")).isBlank();
            Instant made = Files.getLastModifiedTime(g).toInstant();
            if (made.isAfter(newest)) newest = made;
        }
        return new Facts(processes, newest);
    }

    /** The parent group and its children (replicas' groups have none of their own). */
    private static List<Path> groups(Path parent) throws IOException {
        List<Path> groups = new ArrayList<>();
        groups.add(parent);
        try (Stream<Path> children = Files.list(parent)) {
            children.filter(Files::isDirectory).forEach(groups::add);
        }
        return groups;
    }

    /** Children first; false if the kernel refused one (a process joined it meanwhile). */
    private static boolean remove(Path parent) {
        try {
            List<Path> groups = groups(parent);
            for (Path g : groups.reversed()) Files.delete(g);
            return true;
        } catch (IOException inUse) {
            log.debug("Group {} stays: {}", parent, inUse.getMessage());
            return false;
        }
    }
}
