package dev.tenantry.agent;

import dev.tenantry.api.cell.LogRequest;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.tenantry.agent.driver.LogIndex;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers clients' requests for replicas' logs (taken with a long poll, since the agent connects outbound only): the
 * last lines of the replica's log, then, when followed, what it writes, every half second, across rotations, until the
 * reader goes away or an hour has passed. A followed log that stays quiet gets an empty chunk every {@code keepAlive}:
 * the server ends a followed log it hears nothing of (this agent died), and the agent learns that the reader left.
 */
final class LogShipper {
    private static final Logger log = LoggerFactory.getLogger(LogShipper.class);
    private static final Duration POLL = Duration.ofSeconds(20);
    private static final Duration FOLLOW_EVERY = Duration.ofMillis(500);
    private static final Duration FOLLOW_AT_MOST = Duration.ofHours(1);
    private static final int CHUNK = 256 * 1024;
    private static final long SINCE_MAX_BYTES = 10L * 1024 * 1024;

    private final ServerClient server;
    private final Path instancesDir;
    private final Duration keepAlive;
    private volatile boolean running = true;
    private Thread thread;

    LogShipper(ServerClient server, Path instancesDir, Duration keepAlive) {
        this.server = server;
        this.instancesDir = instancesDir;
        this.keepAlive = keepAlive;
    }

    LogShipper start() {
        thread = Thread.ofPlatform().name("agent-logs").daemon().start(this::loop);
        return this;
    }

    void stop() {
        running = false;
        if (thread != null) thread.interrupt();
    }

    private void loop() {
        while (running) {
            try {
                for (LogRequest request : server.logRequests(POLL)) Thread.ofVirtual().name("log-" + request.id()).start(() -> ship(request));
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                log.debug("Cannot take log requests: {}", e.toString());
                sleep(Duration.ofSeconds(2));
            }
        }
    }

    private void ship(LogRequest request) {
        try {
            Path file = logFile(request);
            if (file == null || !Files.exists(file)) {
                server.postLog(request.id(), ("(no log of " + request.replica() + " on this cell yet)\n").getBytes(StandardCharsets.UTF_8), !request.follow());
                if (!request.follow() || file == null) return;
            }
            long position = Files.exists(file) ? Files.size(file) : 0;
            byte[] last = request.since() == null ? lastLines(file, request.tail()) : linesSince(file, request.since(), request.tail(), position);
            if (!post(request.id(), last, !request.follow()) || !request.follow()) return;
            Instant until = Instant.now().plus(FOLLOW_AT_MOST);
            Instant posted = Instant.now();
            while (running && Instant.now().isBefore(until)) {
                Thread.sleep(FOLLOW_EVERY);
                long size = Files.exists(file) ? Files.size(file) : 0;
                if (size < position) position = 0; // rotated: emptied in place
                boolean quiet = size == position;
                if (quiet && Instant.now().isBefore(posted.plus(keepAlive))) continue;
                byte[] more = quiet ? new byte[0] : read(file, position, (int) Math.min(CHUNK, size - position));
                position += more.length;
                if (!server.postLog(request.id(), more, false)) return;
                posted = Instant.now();
            }
            server.postLog(request.id(), new byte[0], true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            log.info("Stopped sending log {} of {}: {}", request.replica(), request.instanceUid(), e.toString());
        }
    }

    /**
     * Posts the bytes in pieces of at most {@value #CHUNK} (a long tail is megabytes; the server takes at most 1 MiB in a
     * post), the last one with {@code end}; false once the reader is gone.
     */
    private boolean post(String id, byte[] bytes, boolean end) throws IOException, InterruptedException {
        for (int from = 0; ; from += CHUNK) {
            int to = Math.min(bytes.length, from + CHUNK);
            boolean lastPiece = to == bytes.length;
            if (!server.postLog(id, java.util.Arrays.copyOfRange(bytes, from, to), end && lastPiece)) return false;
            if (lastPiece) return true;
        }
    }

    /** The replica's log file; null for a name that is not a replica's (the server checks too: never a path). */
    private Path logFile(LogRequest request) {
        if (!request.replica().matches("[a-z0-9][a-z0-9-]{0,62}-[0-9]{1,4}") || !request.instanceUid().matches("[A-Za-z0-9_-]{1,64}")) return null;
        return instancesDir.resolve(request.instanceUid()).resolve("logs").resolve(request.replica() + ".log");
    }

    /** The last {@code lines} lines of the file (looked for in its last 10 MiB: the rotation cap's default). */
    static byte[] lastLines(Path file, int lines) throws IOException {
        if (file == null || !Files.exists(file) || lines == 0) return new byte[0];
        long size = Files.size(file);
        int window = (int) Math.min(size, 10L * 1024 * 1024);
        List<String> all = new String(read(file, size - window, window), StandardCharsets.UTF_8).lines().toList();
        List<String> last = all.subList(Math.max(0, all.size() - lines), all.size());
        return last.isEmpty() ? new byte[0] : (String.join("\n", last) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The last {@code lines} of the lines written at or after {@code since} (up to a second older may come: the index
     * notes sizes each second), from the rotated log too when the current one began after {@code since}; at most 10 MiB.
     */
    static byte[] linesSince(Path file, Instant since, int lines, long size) throws IOException {
        long from = LogIndex.offsetSince(LogIndex.of(file), since);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        if (from < 0) {
            Path old = file.resolveSibling(file.getFileName() + ".1");
            if (Files.exists(old)) {
                long oldFrom = Math.max(0, LogIndex.offsetSince(LogIndex.rotated(file), since));
                long oldSize = Files.size(old);
                if (oldFrom < oldSize) out.write(read(old, Math.max(oldFrom, oldSize - SINCE_MAX_BYTES), (int) Math.min(oldSize - oldFrom, SINCE_MAX_BYTES)));
            }
            from = 0;
        }
        long start = Math.max(from, size - SINCE_MAX_BYTES);
        if (start < size) out.write(read(file, start, (int) (size - start)));
        List<String> all = new String(out.toByteArray(), StandardCharsets.UTF_8).lines().toList();
        List<String> last = all.subList(Math.max(0, all.size() - lines), all.size());
        return last.isEmpty() ? new byte[0] : (String.join("\n", last) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] read(Path file, long from, int length) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            f.seek(from);
            byte[] bytes = new byte[length];
            int read = 0;
            while (read < length) {
                int n = f.read(bytes, read, length - read);
                if (n < 0) break;
                read += n;
            }
            return read == length ? bytes : java.util.Arrays.copyOf(bytes, read);
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
