package dev.tenantry.agent;

import dev.tenantry.api.Json;
import dev.tenantry.api.cell.Route;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the cell's routes to the routes file, for a gateway in its own process (which reads it every 100 ms), on a
 * thread of its own: the agent's report does not wait for the file, and the routes of a burst of starts are gathered.
 * Routes that come after a quiet moment are written at once; those that come less than {@link #GATHER} after a write
 * are written together when it has passed (a new file each time, written atomically: at most twenty a second).
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
    private final AtomicInteger written = new AtomicInteger();

    RoutesFileWriter(Path file) {
        this.file = file;
        this.thread = Thread.ofPlatform().name("routes-file-writer").daemon().start(this::writeLoop);
    }

    /** The routes to write next (replacing any not written yet). */
    void write(List<Route> routes) {
        pending.set(routes);
        LockSupport.unpark(thread);
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
                LockSupport.park(this);
                continue;
            }
            flush();
            // routes given meanwhile wait for the end of the gathering (their unpark does not end it; close's does)
            long until = System.nanoTime() + GATHER.toNanos();
            for (long left; running && (left = until - System.nanoTime()) > 0; ) LockSupport.parkNanos(this, left);
        }
    }

    /** How many times the file was written. */
    int written() {
        return written.get();
    }

    /**
     * Stops the thread and writes what is pending. Not by interrupting it: a file channel interrupted while it writes is
     * closed, and the routes it was writing would be lost.
     */
    @Override
    public void close() {
        running = false;
        LockSupport.unpark(thread);
        try {
            thread.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flush();
    }
}
