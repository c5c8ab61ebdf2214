package dev.tenantry.agent.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Control groups other agents left behind, removed when an agent starts, with real groups beside its own. Needs a host
 * that allows control groups (root, cgroup v1).
 */
class AbandonedGroupsIT {
    @TempDir
    Path work;
    private final List<Path> made = new ArrayList<>();
    private Process inside;

    @AfterEach
    void cleanUp() throws Exception {
        if (inside != null) {
            inside.destroyForcibly().waitFor();
        }
        for (Path g : made.reversed()) Files.deleteIfExists(g);
        CgroupLimits.forAgent(work).removeIfEmpty();
    }

    private Path group(Path parent, String name, Duration age) throws Exception {
        Path g = Files.createDirectory(parent.resolve(name));
        made.add(g);
        Files.setLastModifiedTime(g, FileTime.from(Instant.now().minus(age)));
        return g;
    }

    @Test
    void anAgentRemovesTheGroupsNoAgentHasUsedForAnHourAndNoOthers() throws Exception {
        CgroupLimits own = CgroupLimits.forAgent(work);
        assumeTrue(own.enforced(), "the host lets the agent create control groups");
        Path hierarchy = own.parents().get(1).getParent();
        String run = Long.toHexString(System.nanoTime());
        Duration twoHours = Duration.ofHours(2);
        Path old = group(hierarchy, "tenantry-it-old-" + run, twoHours);
        group(old, "ins_a.web-0.g1", twoHours);
        Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(twoHours)));
        Path recent = group(hierarchy, "tenantry-it-recent-" + run, twoHours);
        group(recent, "ins_b.web-0.g1", Duration.ofSeconds(5)); // a replica prepared moments ago, waiting for a start slot
        Path busy = group(hierarchy, "tenantry-it-busy-" + run, twoHours);
        Path running = group(busy, "ins_c.web-0.g1", twoHours);
        inside = new ProcessBuilder("sleep", "60").start();
        Files.writeString(running.resolve("cgroup.procs"), String.valueOf(inside.pid()));
        Files.setLastModifiedTime(busy, FileTime.from(Instant.now().minus(twoHours)));

        CgroupLimits.forAgent(work);

        assertThat(old).as("no process and no group made for two hours").doesNotExist();
        assertThat(recent.resolve("ins_b.web-0.g1")).as("a group made seconds ago").exists();
        assertThat(running).as("a group with a process in it").exists();
        assertThat(own.parents()).allMatch(Files::isDirectory);
    }

    @Test
    void theDecisionNeedsBothNoProcessAndAnHourWithoutANewGroup() {
        Instant now = Instant.parse("2026-12-04T12:00:00Z");
        assertThat(AbandonedGroups.abandoned(new AbandonedGroups.Facts(false, now.minus(Duration.ofMinutes(61))), now)).isTrue();
        assertThat(AbandonedGroups.abandoned(new AbandonedGroups.Facts(false, now.minus(Duration.ofMinutes(59))), now)).isFalse();
        assertThat(AbandonedGroups.abandoned(new AbandonedGroups.Facts(true, now.minus(Duration.ofDays(3))), now)).isFalse();
    }
}
