package dev.tenantry.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.agent.driver.LogIndex;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Lines since a time, from a log's index of sizes by second, across a rotation. */
class LogSinceTest {
    @TempDir
    Path dir;

    private static final Instant T = Instant.parse("2026-12-02T10:00:00Z");

    private void index(Path index, long... secondsAndSizes) throws Exception {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < secondsAndSizes.length; i += 2) s.append(T.plusSeconds(secondsAndSizes[i]).toEpochMilli()).append(' ')
                .append(secondsAndSizes[i + 1]).append('\n');
        Files.writeString(index, s);
    }

    private String since(Path log, long second, int tail) throws Exception {
        return new String(LogShipper.linesSince(log, T.plusSeconds(second), tail, Files.size(log)), StandardCharsets.UTF_8);
    }

    @Test
    void theIndexSaysWhereTheLinesSinceATimeBegin() throws Exception {
        Path log = dir.resolve("web-0.log");
        Files.writeString(log, "a\nb\nc\nd\n");
        index(LogIndex.of(log), 1, 2, 2, 4, 3, 8); // a by 1 s, b by 2 s, c and d by 3 s
        assertThat(since(log, 2, 100)).as("written after the size noted at 1 s").isEqualTo("b\nc\nd\n");
        assertThat(since(log, 3, 100)).isEqualTo("c\nd\n");
        assertThat(since(log, 4, 100)).isEqualTo("");
        assertThat(since(log, 3, 1)).isEqualTo("d\n");
        assertThat(LogIndex.offsetSince(LogIndex.of(log), T)).as("nothing noted before").isEqualTo(-1);
    }

    @Test
    void linesFromBeforeARotationComeFromTheRotatedLog() throws Exception {
        Path log = dir.resolve("web-0.log");
        Files.writeString(log.resolveSibling("web-0.log.1"), "old1\nold2\n");
        index(LogIndex.rotated(log), 1, 5, 2, 10);
        Files.writeString(log, "new1\n");
        index(LogIndex.of(log), 5, 5);
        assertThat(since(log, 2, 100)).isEqualTo("old2\nnew1\n");
        assertThat(since(log, 6, 100)).isEqualTo("");
        assertThat(since(log, 0, 100)).isEqualTo("old1\nold2\nnew1\n");
    }
}
