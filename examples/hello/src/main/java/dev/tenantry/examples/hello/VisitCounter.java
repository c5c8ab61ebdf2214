package dev.tenantry.examples.hello;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The visits of an instance over its whole life, kept in a file of its data directory, which outlives its
 * processes (restarts, stops, a delete and restore). Replicas share that file: each adds the visits it counted
 * since its last save, under a file lock. Without a file (started outside Tenantry) it counts in memory only. A save
 * reaches the disk when the replica stops ({@link #saveDurably}); the saves in between (every second) stay in the page cache,
 * which outlives the process: a replica killed loses at most its last second of visits, as before; a machine that loses
 * power may lose a few seconds more.
 */
final class VisitCounter {
    private final Path file;
    private final AtomicLong unsaved = new AtomicLong();
    private volatile long saved;

    VisitCounter(Path file) {
        this.file = file;
        if (file == null) return;
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            this.saved = addAndRead(0, false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use " + file, e);
        }
    }

    /** Counts a visit; returns the visits of all time as this replica knows them. */
    long visit() {
        return saved + unsaved.incrementAndGet();
    }

    /** Adds the visits counted since the last save to the file. */
    void save() {
        save(false);
    }

    /** Adds the visits counted since the last save to the file, and waits until it is on the disk. */
    void saveDurably() {
        save(true);
    }

    private synchronized void save(boolean durably) {
        if (file == null) return;
        long n = unsaved.getAndSet(0);
        if (n == 0) return;
        try {
            saved = addAndRead(n, durably);
        } catch (IOException e) {
            unsaved.addAndGet(n);
            System.err.println("hello: cannot save the visit count to " + file + ": " + e.getMessage());
        }
    }

    private long addAndRead(long n, boolean durably) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
             FileLock lock = channel.lock()) {
            ByteBuffer buffer = ByteBuffer.allocate(32);
            channel.read(buffer, 0);
            String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII).trim();
            long total = (text.isEmpty() ? 0 : Long.parseLong(text)) + n;
            if (n != 0) {
                channel.truncate(0);
                channel.write(ByteBuffer.wrap((total + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
                if (durably) channel.force(false);
            }
            return total;
        }
    }
}
