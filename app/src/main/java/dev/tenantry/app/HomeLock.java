package dev.tenantry.app;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One Tenantry process per home. The lock is the operating system's (fcntl): it goes with the process, also when
 * the process is killed, so a stale lock file never keeps the next start out. A second start on a home in use
 * refuses before it touches anything there (database, tokens, workloads).
 */
final class HomeLock implements AutoCloseable {
    static final String FILE = "tenantry.lock";
    private final FileChannel channel;
    private final FileLock lock;

    private HomeLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static HomeLock acquire(Path home) throws IOException {
        Files.createDirectories(home);
        Path file = home.resolve(FILE);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            String holder = Files.readString(file, StandardCharsets.UTF_8).strip();
            channel.close();
            throw new HomeInUseException("another Tenantry process" + (holder.isEmpty() ? "" : " (pid " + holder + ")") + " is using " + home
                    + "; stop it first, or start this one with another --home");
        }
        channel.truncate(0);
        channel.write(java.nio.ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
        return new HomeLock(channel, lock);
    }

    /** A start refused because another process holds the home. */
    static final class HomeInUseException extends IllegalStateException {
        HomeInUseException(String message) {
            super(message);
        }
    }

    @Override
    public void close() throws IOException {
        lock.release();
        channel.close();
    }
}
