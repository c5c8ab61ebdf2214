package dev.tenantry.agent.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kernel's notifications of writes to log files (inotify), as a starting replica's supervisor is told of them. */
class OutputWatchTest {
    @TempDir
    Path logs;

    private static void append(Path file, String line) throws Exception {
        Files.writeString(file, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private final AtomicInteger webWrites = new AtomicInteger();
    private final AtomicInteger workerWrites = new AtomicInteger();

    @Test
    void aWriteToAWatchedFileIsToldToItsWatcherOnly() throws Exception {
        Path web = logs.resolve("web-0.log");
        Path worker = logs.resolve("worker-0.log");
        try (OutputWatch watch = OutputWatch.start();
             OutputWatch.Registration w = watch.watch(web, webWrites::incrementAndGet);
             OutputWatch.Registration k = watch.watch(worker, workerWrites::incrementAndGet)) {
            assertThat(w.watching()).isTrue();
            // the watch takes effect on the watch's own thread: write until it is told
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
                append(web, "listening on 8080");
                return webWrites.get() > 0;
            });
            assertThat(workerWrites).hasValue(0);
        }
    }

    @Test
    void aClosedWatchIsToldNothingWhileAnotherFileOfItsDirectoryStillIs() throws Exception {
        Path web = logs.resolve("web-0.log");
        Path worker = logs.resolve("worker-0.log");
        try (OutputWatch watch = OutputWatch.start();
             OutputWatch.Registration k = watch.watch(worker, workerWrites::incrementAndGet)) {
            OutputWatch.Registration w = watch.watch(web, webWrites::incrementAndGet);
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
                append(web, "starting");
                return webWrites.get() > 0;
            });
            w.close();
            w.close();
            int told = webWrites.get();
            append(web, "after its watch closed");
            // written after the web log: once the worker's write is told, the web log's was handled before it
            int workerBefore = workerWrites.get();
            append(worker, "still watched");
            await().atMost(Duration.ofSeconds(10)).until(() -> workerWrites.get() > workerBefore);
            assertThat(webWrites).hasValue(told);
        }
    }

    @Test
    void theNoneWatchTellsNothing() throws Exception {
        AtomicInteger writes = new AtomicInteger();
        try (OutputWatch.Registration r = OutputWatch.NONE.watch(logs.resolve("web-0.log"), writes::incrementAndGet)) {
            assertThat(r.watching()).isFalse();
        }
    }
}
