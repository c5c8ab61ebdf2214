package dev.tenantry.agent;

import dev.tenantry.api.cell.Route;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Publishes the cell's routes when they changed: to the gateway in this process at once, or, when the cell's gateway
 * runs in a process of its own, to the routes file it reads (through a {@link RoutesFileWriter}). The first publication
 * goes out even when empty: a gateway serves nothing until it has routes.
 */
final class RoutePublisher implements AutoCloseable {
    private final Supplier<List<Route>> routes;
    private final Consumer<List<Route>> gateway;
    private final RoutesFileWriter file;
    private final Runnable afterChange;
    /** A lock rather than a monitor: converging virtual threads publish too, and waiting for a monitor pins them on JDK 21-23. */
    private final ReentrantLock lock = new ReentrantLock();
    private List<Route> last;

    /**
     * {@code gateway}: the gateway in this process, or null when the cell's gateway runs in its own process and reads
     * {@code file}; {@code afterChange}: runs after each publication that changed the routes.
     */
    RoutePublisher(Supplier<List<Route>> routes, Consumer<List<Route>> gateway, Path file, Runnable afterChange) {
        this.routes = routes;
        this.gateway = gateway;
        this.file = gateway == null ? new RoutesFileWriter(file) : null;
        this.afterChange = afterChange;
    }

    /** Publishes the routes {@code routes} gives now, if they differ from the last ones published. */
    void publish() {
        lock.lock();
        try {
            List<Route> now = routes.get();
            if (now.equals(last)) return;
            if (gateway != null) gateway.accept(now);
            else file.write(now);
            last = now;
            afterChange.run();
        } finally {
            lock.unlock();
        }
    }

    /** Takes every route out of the gateway in this process (the agent stops its workloads). */
    void clear() {
        if (gateway != null) gateway.accept(List.of());
    }

    /** Writes the routes file now if it lags behind the last routes published (a test's look, a shutdown). */
    void flush() {
        if (file != null) file.flush();
    }

    /** Writes the last routes published to the file, if not yet done, and stops its writer. */
    @Override
    public void close() {
        if (file != null) file.close();
    }
}
