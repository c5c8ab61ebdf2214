package dev.tenantry.agent.driver;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;

/**
 * When each part of a replica's log was written, to the second: the workload writes its log itself (so that it keeps
 * writing while its agent restarts), so lines carry no time of their own. Each second the log grew, a line
 * {@code <epoch millis> <size>} is appended to {@code <name>.log.idx}: every byte before {@code size} was written by then.
 * Rotated along with the log (to {@code .idx.1}); kept to about {@value #MAX_BYTES} bytes by dropping its older half.
 */
public final class LogIndex {
    static final long MAX_BYTES = 512 * 1024;

    private LogIndex() {}

    public static Path of(Path log) {
        return log.resolveSibling(log.getFileName() + ".idx");
    }

    /** The index that went aside with the rotated log. */
    public static Path rotated(Path log) {
        return log.resolveSibling(log.getFileName() + ".idx.1");
    }

    /** Notes that the log had {@code size} bytes at {@code now}. */
    static void record(Path log, long size, Instant now) throws IOException {
        Path index = of(log);
        Files.writeString(index, now.toEpochMilli() + " " + size + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        if (Files.size(index) > MAX_BYTES) {
            List<String> lines = Files.readAllLines(index);
            Path tmp = index.resolveSibling(index.getFileName() + ".tmp");
            Files.write(tmp, lines.subList(lines.size() / 2, lines.size()));
            Files.move(tmp, index, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    /** Moves the index aside with its rotated log: the log starts again from nothing. */
    static void rotate(Path log) throws IOException {
        try {
            Files.move(of(log), rotated(log), StandardCopyOption.REPLACE_EXISTING);
        } catch (NoSuchFileException none) {
            Files.deleteIfExists(rotated(log));
        }
    }

    /**
     * Where the lines written at or after {@code since} begin in a log with this index: the size noted last before
     * {@code since} (lines up to a second older may come too); -1 when the index notes nothing before it (the whole
     * log may be newer, and the rotated one may hold some too).
     */
    public static long offsetSince(Path index, Instant since) throws IOException {
        if (!Files.exists(index)) return -1;
        long offset = -1;
        for (String line : Files.readAllLines(index)) {
            int space = line.indexOf(' ');
            if (space < 0) continue;
            long at = Long.parseLong(line.substring(0, space));
            if (at >= since.toEpochMilli()) break;
            offset = Long.parseLong(line.substring(space + 1));
        }
        return offset;
    }
}
