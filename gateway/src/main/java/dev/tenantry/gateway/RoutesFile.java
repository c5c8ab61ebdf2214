package dev.tenantry.gateway;

import dev.tenantry.api.Json;
import dev.tenantry.api.cell.Route;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routes file an agent keeps in its work directory ({@link Route#FILE}), followed by a gateway that runs
 * as its own process: the gateway loads it at start and applies every new version within {@code poll}. Neither
 * an agent restart nor an unreachable server changes what the gateway serves until the agent writes new routes.
 */
public final class RoutesFile implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RoutesFile.class);

    private final Path file;
    private final Consumer<List<Route>> sink;
    private final Duration poll;
    private final Thread thread;
    private FileTime seen;
    private volatile boolean running = true;

    private RoutesFile(Path file, Consumer<List<Route>> sink, Duration poll) {
        this.file = file;
        this.sink = sink;
        this.poll = poll;
        reload();
        this.thread = Thread.ofPlatform().name("routes-file").daemon().start(this::follow);
    }

    /** Applies the file's routes to {@code sink} now and whenever it changes. */
    public static RoutesFile follow(Path file, Consumer<List<Route>> sink, Duration poll) {
        return new RoutesFile(file, sink, poll);
    }

    private void follow() {
        while (running) {
            try {
                Thread.sleep(poll.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            reload();
        }
    }

    private void reload() {
        FileTime modified;
        try {
            modified = Files.getLastModifiedTime(file);
        } catch (IOException missing) {
            return; // no routes written yet: keep what is served
        }
        if (Objects.equals(modified, seen)) return;
        Json.readFile(file, Route[].class).ifPresentOrElse(routes -> {
            seen = modified;
            sink.accept(List.of(routes));
            log.info("Serving {} route(s) from {}", routes.length, file);
        }, () -> log.warn("Cannot read routes from {}; keeping the current ones", file));
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
