package dev.tenantry.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.api.Json;
import dev.tenantry.api.cell.InstanceTraffic;
import dev.tenantry.api.cell.Route;
import dev.tenantry.api.cell.TrafficStats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The traffic file a gateway in its own process writes, as the agent reads it back. */
class TrafficFileTest {
    @TempDir
    Path work;

    @Test
    void theAgentReadsBackWhatTheGatewayWroteAndFollowsItsChanges() throws Exception {
        TrafficFile file = new TrafficFile(work);
        assertThat(file.apply("u1")).as("no file yet").isNull();

        Instant at = Instant.parse("2026-11-22T10:00:00.123Z");
        InstanceTraffic first = new InstanceTraffic(at, new TrafficStats("2.0.0", at.minusSeconds(30), 120, 24, List.of(0L, 3L, 117L)));
        Json.writeAtomically(work.resolve(Route.TRAFFIC_FILE), Map.of("u1", first));
        assertThat(file.apply("u1")).isEqualTo(first);
        assertThat(file.apply("u2")).isNull();

        InstanceTraffic next = new InstanceTraffic(at.plusSeconds(1), new TrafficStats("2.0.0", at.minusSeconds(30), 130, 26, List.of(0L, 3L, 127L)));
        Json.writeAtomically(work.resolve(Route.TRAFFIC_FILE), Map.of("u1", next));
        Files.setLastModifiedTime(work.resolve(Route.TRAFFIC_FILE), FileTime.from(Instant.now().plusSeconds(5))); // a new mtime, however coarse
        assertThat(file.apply("u1")).isEqualTo(next);

        Files.writeString(work.resolve(Route.TRAFFIC_FILE), "{not json");
        Files.setLastModifiedTime(work.resolve(Route.TRAFFIC_FILE), FileTime.from(Instant.now().plusSeconds(10)));
        assertThat(file.apply("u1")).as("an unreadable file keeps the last figures").isEqualTo(next);
    }
}
