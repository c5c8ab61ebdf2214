package dev.tenantry.server.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tenantry.api.Directories;
import dev.tenantry.server.signals.Signals;
import dev.tenantry.server.store.Database;
import dev.tenantry.server.store.EmbeddedPostgres;
import dev.tenantry.server.store.Store;
import dev.tenantry.server.store.Tx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * An idle loop of many workers looks for due work about twice a second in all, not twice a second per worker (each
 * look is a transaction: an idle server ran dozens a second), and still finds work that became due with no fire
 * within a second. Real PostgreSQL (embedded) for the loop's transactions.
 */
class IdlePollingIT {
    private static final int WORKERS = 8;

    @Test
    void anIdleLoopLooksForDueWorkAboutTwiceASecondWhateverItsWorkersAndStillFindsIt() throws Exception {
        Path home = Files.createTempDirectory("tenantry-idle-");
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(home.resolve("pgdata"));
             Database database = new Database(pg.jdbcUrl(), pg.user(), pg.password())) {
            Store store = new Store(database);
            CountingReconciler reconciler = new CountingReconciler(new AtomicInteger(), new AtomicBoolean(), new CopyOnWriteArrayList<>());
            Signals signals = new Signals();
            try (ReconcileLoop loop = new ReconcileLoop(store, signals, reconciler, "idle", Signals.Topic.BACKUPS,
                    new ReconcileLoop.Claims(Duration.ofSeconds(30), 8)).start(WORKERS)) {
                Thread.sleep(500); // every worker has looked once, at its start
                int before = reconciler.looks().get();
                Thread.sleep(3000);
                int looks = reconciler.looks().get() - before;
                // one poller every 500 ms: about 6; the others every 5 s: at most one each. Each of the 8 every 500 ms was 48.
                assertThat(looks).as("looks for due work in 3 idle seconds by %d workers", WORKERS).isBetween(4, 6 + WORKERS);

                reconciler.due().set(true); // due by time, with no fire (a retry's time came)
                long madeDue = System.nanoTime();
                await().atMost(Duration.ofSeconds(5)).until(() -> !reconciler.passes().isEmpty());
                assertThat(Duration.ofNanos(System.nanoTime() - madeDue)).as("found by the poller").isLessThan(Duration.ofMillis(1500));
            } finally {
                signals.close();
            }
        } finally {
            Directories.deleteTree(home);
        }
    }

    /** Counts the looks for due work; one object is due once {@code due} is set, and its pass is recorded. */
    private record CountingReconciler(AtomicInteger looks, AtomicBoolean due, List<String> passes) implements Reconciler {
        @Override
        public List<String> claimDue(Tx tx, String owner, Duration lease, int limit) {
            looks.incrementAndGet();
            return due.compareAndSet(true, false) ? List.of("obj_1") : List.of();
        }

        @Override
        public boolean extendLease(Tx tx, String id, String owner, Duration lease) {
            return true;
        }

        @Override
        public Duration reconcile(String id, String owner) {
            passes.add(id);
            return null;
        }

        @Override
        public int failed(Tx tx, String id, String owner) {
            return 1;
        }
    }
}
