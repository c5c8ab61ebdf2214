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
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An idle loop of many workers looks for due work about twice a second in all, not twice a second per worker (an idle
 * server ran dozens of looks a second), each look one statement that claims (a transaction) only what it finds due, and still finds work that became due with no fire
 * within a second, also while the worker that was looking runs a long pass. Real PostgreSQL (embedded) for the
 * loop's transactions.
 */
class IdlePollingIT {
    private static final int WORKERS = 8;
    private static Path home;
    private static EmbeddedPostgres pg;
    private static Database database;

    @BeforeAll
    static void start() throws Exception {
        home = Files.createTempDirectory("tenantry-idle-");
        pg = EmbeddedPostgres.start(home.resolve("pgdata"));
        database = new Database(pg.jdbcUrl(), pg.user(), pg.password());
    }

    @AfterAll
    static void stop() throws Exception {
        if (database != null) database.close();
        if (pg != null) pg.close();
        Directories.deleteTree(home);
    }

    @Test
    void anIdleLoopLooksForDueWorkAboutTwiceASecondWhateverItsWorkersAndStillFindsIt() throws Exception {
        DueByTime reconciler = new DueByTime();
        Signals signals = new Signals();
        try (ReconcileLoop loop = loop(signals, reconciler)) {
            reconciler.awaitEveryWorkerLooked();
            int before = reconciler.looks.get();
            Thread.sleep(3000);
            int looks = reconciler.looks.get() - before;
            // one poller every 500 ms: about 6; the others every 5 s: at most one each. Each of the 8 every 500 ms was 48.
            assertThat(looks).as("looks for due work in 3 idle seconds by %d workers", WORKERS).isBetween(4, 6 + WORKERS);
            assertThat(reconciler.claims).as("a look that finds nothing due claims nothing (no transaction)").hasValue(0);

            assertThat(reconciler.foundWithin("obj_1", Duration.ofSeconds(5))).as("found by the poller").isLessThan(Duration.ofMillis(1500));
        } finally {
            signals.close();
        }
    }

    @Test
    void whileThePollerRunsALongPassAnotherWorkerLooksInItsPlace() throws Exception {
        DueByTime reconciler = new DueByTime();
        Signals signals = new Signals();
        try (ReconcileLoop loop = loop(signals, reconciler)) {
            reconciler.awaitEveryWorkerLooked(); // the others look again only 5 s after that
            reconciler.due.add("long"); // the poller takes it at its next look and is busy for 3 s
            await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(10)).until(() -> reconciler.passes.contains("long"));
            assertThat(reconciler.foundWithin("short", Duration.ofSeconds(8)))
                    .as("work due by time while the poller is busy: found by the worker that took its role")
                    .isLessThan(Duration.ofMillis(1500));
        } finally {
            signals.close();
        }
    }

    private static ReconcileLoop loop(Signals signals, Reconciler reconciler) {
        return new ReconcileLoop(new Store(database), signals, reconciler, "idle", Signals.Topic.BACKUPS,
                new ReconcileLoop.Claims(Duration.ofSeconds(30), 8)).start(WORKERS);
    }

    /** Objects become due when the test adds them, with no fire; "long" takes 3 s to pass. Counts the looks for due work. */
    private static final class DueByTime implements Reconciler {
        final AtomicInteger looks = new AtomicInteger();
        final AtomicInteger claims = new AtomicInteger();
        final Queue<String> due = new ConcurrentLinkedQueue<>();
        final List<String> passes = new CopyOnWriteArrayList<>();

        /** Every worker looks once when it starts. */
        void awaitEveryWorkerLooked() {
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10)).until(() -> looks.get() >= WORKERS);
        }

        /** Makes {@code id} due and returns how long until its pass began (or {@code atMost}). */
        Duration foundWithin(String id, Duration atMost) {
            long madeDue = System.nanoTime();
            due.add(id);
            await().atMost(atMost).pollInterval(Duration.ofMillis(10)).until(() -> passes.contains(id));
            return Duration.ofNanos(System.nanoTime() - madeDue);
        }

        @Override
        public boolean anyDue(Tx tx) {
            looks.incrementAndGet();
            return !due.isEmpty();
        }

        @Override
        public List<String> claimDue(Tx tx, String owner, Duration lease, int limit) {
            claims.incrementAndGet();
            List<String> claimed = new ArrayList<>();
            for (String id; claimed.size() < limit && (id = due.poll()) != null; ) claimed.add(id);
            return claimed;
        }

        @Override
        public boolean extendLease(Tx tx, String id, String owner, Duration lease) {
            return true;
        }

        @Override
        public Duration reconcile(String id, String owner) {
            passes.add(id);
            if (id.equals("long")) {
                try {
                    Thread.sleep(3000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return null;
        }

        @Override
        public int failed(Tx tx, String id, String owner) {
            return 1;
        }
    }
}
