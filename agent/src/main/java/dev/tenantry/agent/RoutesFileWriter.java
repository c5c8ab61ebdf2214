package dev.tenantry.agent;

import dev.tenantry.api.Json;
import dev.tenantry.api.cell.Route;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the cell's routes to the routes file, for a gateway in its own process (which reads it every 100 ms), on a
 * thread of its own: the agent's report does not wait for the file, and the routes of a burst of starts are gathered.
 * Routes that come after a quiet moment are written at once; those that come less than {@link #GATHER} after a write
 * are written together when it has passed (a new file each time, written atomically: at most a few a second).
 */
final class RoutesFileWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RoutesFileWriter.class);
    static final Duration GATHER = Duration.ofMillis(50);

    private final Path file;
    private final AtomicReference<List<Route>> pending = new AtomicReference<>();
    /** Held while writing: a flush waits for a write under way, so that the newest routes are the last written. */
    private final ReentrantLock writing = new ReentrantLock();
    private final Thread thread;
    private volatile boolean running = true;
    private final java.util.concurrent.atomic.AtomicInteger written = new java.util.concurrent.atomic.AtomicInteger();

    RoutesFileWriter(Path file) {
        this.file = file;
        this.thread = Thread.ofPlatform().name("routes-file-writer").daemon().start(this::writeLoop);
    }

    /** The routes to write next (replacing any not written yet). */
    void write(List<Route> routes) {
        pending.set(routes);
        java.util.concurrent.locks.LockSupport.unpark(thread);
    }

    /** Writes what is pending now, on the caller's thread. */
    void flush() {
        writing.lock();
        try {
            List<Route> routes = pending.getAndSet(null);
            if (routes == null) return;
            try {
                Json.writeAtomically(file, routes);
                written.incrementAndGet();
            } catch (IOException e) {
                log.warn("Cannot write the routes file: {}", e.getMessage());
            }
        } finally {
            writing.unlock();
        }
    }

    private void writeLoop() {
        while (running) {
            if (pending.get() == null) {
                java.util.concurrent.locks.LockSupport.park(this);
                continue;
            }
            flush();
            try {
                Thread.sleep(GATHER.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** How many times the file was written. */
    int written() {
        return written.get();
    }

    /** Writes what is pending and stops the thread. */
    @Override
    public void close() {
        running = false;
        thread.interrupt();
        flush();
    }
}
