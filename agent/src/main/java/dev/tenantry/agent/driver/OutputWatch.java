package dev.tenantry.agent.driver;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells whoever watches a log file when something is written to it (the kernel's file notifications, inotify on
 * Linux). A starting replica's supervisor is told when the replica writes to its log: most servers write a line once
 * they listen, so the replica is checked at once then, and between its writes at a slower pace than it could be
 * without being told; fewer checks leave the cell's CPU to the starting workloads.
 *
 * <p>Watches are added and removed on one platform thread: the JDK's watch service waits for its own thread in a
 * monitor while it does, which would pin a virtual thread to its carrier on JDK 21–23. Adding one does not wait, so
 * a line written before it takes effect is not told (the supervisor's timer still checks).
 */
final class OutputWatch implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OutputWatch.class);

    /** Watches nothing: every watch is a no-op (no file notifications on this system, or none wanted). */
    static final OutputWatch NONE = new OutputWatch(null);

    /** One watch of one file; closing it twice closes it once. */
    interface Registration extends AutoCloseable {
        @Override
        void close();

        /** Whether writes are told (false for {@link #NONE}'s). */
        boolean watching();
    }

    private final WatchService service;
    private final ExecutorService changes;
    private final Thread dispatcher;
    private final Map<Path, Set<Runnable>> listeners = new ConcurrentHashMap<>();
    /** Directories watched and how many files in each are (the changes thread only). */
    private final Map<Path, Watched> directories = new HashMap<>();

    private record Watched(WatchKey key, int files) {}

    private OutputWatch(WatchService service) {
        this.service = service;
        this.changes = service == null ? null
                : Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().name("replica-output-watches").factory());
        this.dispatcher = service == null ? null : Thread.ofPlatform().daemon().name("replica-output").start(this::dispatch);
    }

    /** A watch on the default file system, or {@link #NONE} if it cannot watch files. */
    static OutputWatch start() {
        try {
            return new OutputWatch(FileSystems.getDefault().newWatchService());
        } catch (IOException | UnsupportedOperationException e) {
            log.warn("Cannot watch the replicas' logs ({}): starting replicas are checked on a timer only", e.getMessage());
            return NONE;
        }
    }

    /** Runs {@code onWrite} (on the watch's thread: it must not block) whenever {@code file} is written to, until closed. */
    Registration watch(Path file, Runnable onWrite) {
        if (service == null) return new Off();
        Path absolute = file.toAbsolutePath().normalize();
        listeners.computeIfAbsent(absolute, f -> new CopyOnWriteArraySet<>()).add(onWrite);
        submit(() -> addDirectory(absolute.getParent()));
        return new On(absolute, onWrite);
    }

    private void submit(Runnable change) {
        try {
            changes.execute(change);
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            // the watch is closing: nothing is told any more
        }
    }

    private void addDirectory(Path dir) {
        Watched w = directories.get(dir);
        if (w != null) {
            directories.put(dir, new Watched(w.key(), w.files() + 1));
            return;
        }
        try {
            directories.put(dir, new Watched(dir.register(service, StandardWatchEventKinds.ENTRY_MODIFY), 1));
        } catch (IOException | ClosedWatchServiceException e) {
            log.debug("Cannot watch {}: {}", dir, e.getMessage());
        }
    }

    private void removeDirectory(Path dir) {
        Watched w = directories.get(dir);
        if (w == null) return;
        if (w.files() > 1) {
            directories.put(dir, new Watched(w.key(), w.files() - 1));
        } else {
            directories.remove(dir);
            w.key().cancel();
        }
    }

    private void dispatch() {
        while (true) {
            WatchKey key;
            try {
                key = service.take();
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            }
            Path dir = (Path) key.watchable();
            for (WatchEvent<?> event : key.pollEvents()) {
                if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
                    // events were lost: tell every file of the directory
                    listeners.forEach((file, those) -> {
                        if (dir.equals(file.getParent())) those.forEach(Runnable::run);
                    });
                } else {
                    Set<Runnable> those = listeners.get(dir.resolve((Path) event.context()));
                    if (those != null) those.forEach(Runnable::run);
                }
            }
            key.reset();
        }
    }

    @Override
    public void close() {
        if (service == null) return;
        changes.shutdownNow();
        try {
            service.close();
        } catch (IOException e) {
            log.debug("Closing the log watch: {}", e.getMessage());
        }
        dispatcher.interrupt();
    }

    private final class On implements Registration {
        private final Path file;
        private final Runnable onWrite;
        private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

        private On(Path file, Runnable onWrite) {
            this.file = file;
            this.onWrite = onWrite;
        }

        @Override
        public void close() {
            if (!closed.compareAndSet(false, true)) return;
            listeners.computeIfPresent(file, (f, those) -> {
                those.remove(onWrite);
                return those.isEmpty() ? null : those;
            });
            submit(() -> removeDirectory(file.getParent()));
        }

        @Override
        public boolean watching() {
            return true;
        }
    }

    private static final class Off implements Registration {
        @Override
        public void close() {}

        @Override
        public boolean watching() {
            return false;
        }
    }
}
