package dev.tenantry.agent.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogRotationTest {
    @TempDir
    Path work;
    private final LogRotation rotation = new LogRotation();

    @AfterEach
    void close() {
        rotation.close();
    }

    @Test
    void aChattyProcessLogStaysUnderTwiceTheCapAndGoesOnWriting() throws Exception {
        Path logs = Files.createDirectories(work.resolve("instances/ins_1/logs"));
        Path log = logs.resolve("web-0.log");
        // a real process writing as fast as it can, its output appended to the log as the supervisor arranges it
        Process chatty = new ProcessBuilder("sh", "-c", "while true; do echo 'a line of a chatty workload, over and over'; done")
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        long cap = 256 * 1024;
        int rotations = 0;
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (rotations < 3 && System.nanoTime() < deadline) {
                rotations += rotation.check(List.of(logs.getParent()), cap, Instant.now());
                Thread.sleep(50);
            }
            assertThat(rotations).as("rotated again and again").isGreaterThanOrEqualTo(3);
            Thread.sleep(100);
            assertThat(Files.size(log)).as("it keeps writing into the emptied log").isPositive();
            rotation.check(List.of(logs.getParent()), cap, Instant.now());
        } finally {
            chatty.destroyForcibly().waitFor();
        }
        Path old = logs.resolve("web-0.log.1");
        assertThat(Files.size(old)).isGreaterThan(cap);
        assertThat(Files.readString(old).lines().limit(5)).allMatch(l -> l.isEmpty() || l.contains("chatty"));
        try (var files = Files.list(logs)) {
            List<String> names = files.map(p -> p.getFileName().toString()).toList();
            assertThat(names.stream().filter(n -> !n.contains(".idx"))).as("one old log, not a growing pile").containsExactlyInAnyOrder("web-0.log", "web-0.log.1");
            assertThat(names).as("and the logs' indexes, rotated along").isSubsetOf("web-0.log", "web-0.log.1", "web-0.log.idx", "web-0.log.idx.1");
        }
    }

    @Test
    void smallLogsAndMissingDirectoriesAreLeftAlone() throws Exception {
        assertThat(rotation.check(List.of(work.resolve("nothing-here")), 1024, Instant.now())).isZero();
        Path logs = Files.createDirectories(work.resolve("instances/ins_2/logs"));
        Files.writeString(logs.resolve("web-0.log"), "short\n");
        assertThat(rotation.check(List.of(logs.getParent()), 1024, Instant.now())).isZero();
        assertThat(Files.readString(logs.resolve("web-0.log"))).isEqualTo("short\n");
    }

    @Test
    void aCheckRotatesALogPastTheCapAndLeavesASmallOneWhole() throws Exception {
        Path logs = Files.createDirectories(work.resolve("instances/ins_3/logs"));
        Files.writeString(logs.resolve("web-0.log"), "x".repeat(2048) + "\n");
        Files.writeString(logs.resolve("web-1.log"), "short\n");
        assertThat(rotation.check(List.of(logs.getParent()), 1024, Instant.now())).isEqualTo(1);
        assertThat(Files.size(logs.resolve("web-0.log"))).as("emptied").isZero();
        assertThat(Files.size(logs.resolve("web-0.log.1"))).as("copied aside").isEqualTo(2049);
        assertThat(Files.readString(logs.resolve("web-1.log"))).isEqualTo("short\n");
        assertThat(Files.exists(logs.resolve("web-1.log.1"))).isFalse();
    }

    @Test
    void theTimerLooksAtRunningInstancesOnlyAndOnceMoreAtOneThatStopped() throws Exception {
        Path live = Files.createDirectories(work.resolve("instances/ins_live/logs")).getParent();
        Path stopped = Files.createDirectories(work.resolve("instances/ins_stopped/logs")).getParent();
        Files.writeString(live.resolve("logs/web-0.log"), "serving\n");
        Files.writeString(stopped.resolve("logs/web-0.log"), "last words\n");
        try (LogRotation timer = LogRotation.every(() -> List.of(live), 1024)) {
            awaitIndex(live);
            assertThat(LogIndex.of(stopped.resolve("logs/web-0.log"))).as("a stopped instance's log is not looked at").doesNotExist();
            timer.lastLook(stopped);
            awaitIndex(stopped);
        }
    }

    private static void awaitIndex(Path instanceDir) throws InterruptedException {
        Path index = LogIndex.of(instanceDir.resolve("logs/web-0.log"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.exists(index) && System.nanoTime() < deadline) Thread.sleep(50);
        assertThat(index).as("indexed by the timer").exists();
    }
}
