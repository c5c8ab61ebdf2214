package dev.tenantry.agent.driver;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * Runs a blocking action (stopping a process: up to its grace period) on every element at once, each on a virtual thread
 * of its own, and returns when all are done. A parallel stream would run them on the common fork-join pool, one thread
 * per core: stopping 200 replicas that take a second each took minutes on two cores.
 */
final class InParallel {
    private InParallel() {}

    /** The first failure of an action is thrown once all are done (the others still ran). */
    static <T> void forEach(Collection<T> items, Consumer<T> action) {
        if (items.isEmpty()) return;
        if (items.size() == 1) {
            action.accept(items.iterator().next());
            return;
        }
        List<Future<?>> done = new ArrayList<>(items.size());
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (T item : items) done.add(threads.submit(() -> action.accept(item)));
        }
        for (Future<?> f : done) {
            try {
                f.get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException r) throw r;
                if (e.getCause() instanceof Error err) throw err;
                throw new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
