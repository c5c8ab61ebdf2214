package dev.tenantry.agent.driver;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps every replica's log (and each instance's hook log) under a cap, so that a chatty workload cannot fill the
 * cell's disk: a log past {@code maxBytes} is copied to {@code <name>.log.1} (replacing the one before) and emptied
 * in place, which its process, writing in append mode, goes on filling from the start. So a replica keeps at most
 * twice the cap; what it writes during the copy itself is lost (copy-truncate). Each check also notes in the log's
 * {@link LogIndex} how far it had grown, so that a reader can ask for the lines since a time.
 */
final class LogRotation implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LogRotation.class);
    static final long CHECK_EVERY_SECONDS = 1;

    private final java.util.Map<Path, Long> indexed = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.Queue<Path> lastLooks = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("log-rotation").factory());

    /** Checks only when asked ({@link #check}); {@link #every} checks on a timer. */
    LogRotation() {}

    /**
     * Checks the logs of the instances {@code liveInstanceDirs} names every {@value #CHECK_EVERY_SECONDS} s (only those
     * that run: a stopped instance's logs no longer grow, and a cell keeps thousands of them until they are purged).
     */
    static LogRotation every(Supplier<Collection<Path>> liveInstanceDirs, long maxBytes) {
        LogRotation rotation = new LogRotation();
        rotation.timer.scheduleWithFixedDelay(() -> {
            try {
                List<Path> dirs = new ArrayList<>(liveInstanceDirs.get());
                List<Path> stopped = new ArrayList<>();
                for (Path dir; (dir = rotation.lastLooks.poll()) != null; ) stopped.add(dir);
                dirs.addAll(stopped);
                rotation.check(dirs, maxBytes, java.time.Instant.now());
                stopped.forEach(rotation::forget);
            } catch (IOException | RuntimeException e) {
                log.warn("Checking the workloads' log sizes failed (next try in {} s): {}", CHECK_EVERY_SECONDS, e.toString());
            }
        }, CHECK_EVERY_SECONDS, CHECK_EVERY_SECONDS, TimeUnit.SECONDS);
        return rotation;
    }

    /** Has the next check look once more at the logs of an instance that stopped (its last lines), then no more. */
    void lastLook(Path instanceDir) {
        lastLooks.add(instanceDir);
    }

    private void forget(Path instanceDir) {
        Path logs = instanceDir.resolve("logs");
        indexed.keySet().removeIf(file -> file.startsWith(logs));
    }

    /**
     * Rotates each log of the given instances' directories past {@code maxBytes} and notes in each log's index how far
     * it grew since the last check; returns how many logs it rotated.
     */
    int check(Collection<Path> instanceDirs, long maxBytes, java.time.Instant now) throws IOException {
        int rotated = 0;
        for (Path file : logs(instanceDirs)) {
            long size = sizeOf(file);
            if (size > maxBytes && rotate(file)) {
                rotated++;
                size = sizeOf(file);
            }
            Long before = indexed.get(file);
            if (before != null && before == size || size == 0) continue;
            try {
                LogIndex.record(file, size, now);
                indexed.put(file, size);
            } catch (NoSuchFileException purged) {
                indexed.remove(file);
            }
        }
        return rotated;
    }

    /** Every {@code <instance dir>/logs/*.log}. */
    private static List<Path> logs(Collection<Path> instanceDirs) throws IOException {
        List<Path> all = new ArrayList<>();
        for (Path instance : instanceDirs) {
            Path logs = instance.resolve("logs");
            if (!Files.isDirectory(logs)) continue;
            try (DirectoryStream<Path> files = Files.newDirectoryStream(logs, "*.log")) {
                files.forEach(all::add);
            } catch (NoSuchFileException purged) {
                // purged between the look and the listing
            }
        }
        return all;
    }

    /** Copies the log aside and empties it; false when it went away meanwhile (its instance purged). */
    static boolean rotate(Path file) throws IOException {
        try {
            Files.copy(file, file.resolveSibling(file.getFileName() + ".1"), StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                channel.truncate(0);
            }
            LogIndex.rotate(file);
            return true;
        } catch (NoSuchFileException purged) {
            return false;
        }
    }

    private static long sizeOf(Path file) throws IOException {
        try {
            return Files.size(file);
        } catch (NoSuchFileException purged) {
            return 0;
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
