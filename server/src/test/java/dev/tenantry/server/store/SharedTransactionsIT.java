package dev.tenantry.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;

/**
 * Work that arrives while a transaction of {@link SharedTransactions} runs shares the next one; a unit that fails in a
 * shared transaction fails alone, and the others' work is written once; with the database out of reach, all of them
 * fail at once. Real PostgreSQL (embedded).
 */
class SharedTransactionsIT {
    private static final int UNITS = 20;

    @Test
    void unitsThatArriveTogetherShareATransactionAndOneThatFailsFailsAlone() throws Exception {
        Path home = Files.createTempDirectory("tenantry-shared-tx-");
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(home.resolve("pgdata"));
             Database database = new Database(pg.jdbcUrl(), pg.user(), pg.password());
             Handle h = database.jdbi().open();
             ExecutorService threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            h.execute("create table notes (id text primary key, tx bigint not null)");
            Store store = new Store(database);
            SharedTransactions shared = new SharedTransactions(store, 8);

            // a first unit holds its transaction until the others wait: they then share transactions of at most 8
            Held first = hold(shared, threads, "first");
            List<Future<String>> others = new ArrayList<>();
            for (int i = 0; i < UNITS; i++) {
                String id = "n" + i;
                others.add(threads.submit(() -> shared.tx(tx -> note(tx, id))));
            }
            awaitWaiting(shared, UNITS);
            first.release();
            for (int i = 0; i < UNITS; i++) assertThat(others.get(i).get(30, TimeUnit.SECONDS)).as("each unit's own result").isEqualTo("n" + i);
            assertThat(h.createQuery("select count(*) from notes").mapTo(Integer.class).one()).isEqualTo(UNITS + 1);
            assertThat(h.createQuery("select count(distinct tx) from notes where id <> 'first'").mapTo(Integer.class).one())
                    .as("twenty units in transactions of at most eight").isEqualTo(3);
            assertThat(h.createQuery("select max(n) from (select count(*) as n from notes group by tx) t").mapTo(Integer.class).one()).isEqualTo(8);

            // one unit of a shared transaction fails: it alone gets its failure, the others are written once each
            Held holder = hold(shared, threads, "holder");
            Future<String> before = queue(shared, threads, 1, tx -> note(tx, "before"));
            Future<String> failing = queue(shared, threads, 2, tx -> {
                note(tx, "half-done");
                throw new IllegalStateException("this unit fails");
            });
            Future<String> after = queue(shared, threads, 3, tx -> note(tx, "after"));
            holder.release();
            assertThat(before.get(30, TimeUnit.SECONDS)).isEqualTo("before");
            assertThat(after.get(30, TimeUnit.SECONDS)).isEqualTo("after");
            assertThat(failing).failsWithin(30, TimeUnit.SECONDS).withThrowableThat().havingRootCause().withMessage("this unit fails");
            assertThat(h.createQuery("select id from notes where id in ('before', 'after', 'half-done') order by id").mapTo(String.class).list())
                    .as("the others written once, nothing of the failed unit").containsExactly("after", "before");
            assertThat(shared.waiting()).isZero();

            // the database out of reach in a shared transaction: every unit of it fails at once, none runs again alone
            Held opener = hold(shared, threads, "opener");
            AtomicInteger runs = new AtomicInteger();
            Future<String> fine = queue(shared, threads, 1, tx -> {
                runs.incrementAndGet();
                return note(tx, "fine");
            });
            Future<String> cut = queue(shared, threads, 2, tx -> {
                throw new IllegalStateException(new java.sql.SQLTransientConnectionException("no connection within the pool's timeout"));
            });
            opener.release();
            assertThat(fine).failsWithin(30, TimeUnit.SECONDS).withThrowableThat().havingRootCause()
                    .isInstanceOf(java.sql.SQLTransientConnectionException.class);
            assertThat(cut).failsWithin(30, TimeUnit.SECONDS).withThrowableThat().havingRootCause()
                    .isInstanceOf(java.sql.SQLTransientConnectionException.class);
            assertThat(runs.get()).as("not run again alone").isEqualTo(1);
        }
    }

    @Test
    void aUnitThatArrivesAloneRunsAtOnceInItsOwnTransaction() throws Exception {
        Path home = Files.createTempDirectory("tenantry-shared-tx-");
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(home.resolve("pgdata"));
             Database database = new Database(pg.jdbcUrl(), pg.user(), pg.password());
             Handle h = database.jdbi().open()) {
            h.execute("create table notes (id text primary key, tx bigint not null)");
            SharedTransactions shared = new SharedTransactions(new Store(database), 8);
            String a = shared.tx(tx -> note(tx, "a"));
            String b = shared.tx(tx -> note(tx, "b"));
            assertThat(List.of(a, b)).containsExactly("a", "b");
            assertThat(h.createQuery("select count(distinct tx) from notes").mapTo(Integer.class).one()).isEqualTo(2);
            assertThat(h.createQuery("select count(*) from events").mapTo(Integer.class).one()).as("each unit's event").isEqualTo(2);
        }
    }

    /** Writes a note (and an event) in the transaction, with the transaction's id. */
    private static String note(Tx tx, String id) {
        tx.atCommit(new Write("insert into notes (id, tx) values (:id, txid_current())").bind("id", id));
        tx.events().append("note.written", "notes/" + id, null, Map.of("id", id));
        return id;
    }

    /** A unit that holds its batch's transaction open until {@link #release}, so that the units sent meanwhile wait. */
    private record Held(CountDownLatch latch, Future<String> outcome, String id) {
        void release() throws Exception {
            latch.countDown();
            assertThat(outcome.get(30, TimeUnit.SECONDS)).isEqualTo(id);
        }
    }

    private static Held hold(SharedTransactions shared, ExecutorService threads, String id) {
        CountDownLatch latch = new CountDownLatch(1);
        Future<String> outcome = threads.submit(() -> shared.tx(tx -> {
            try {
                if (!latch.await(30, TimeUnit.SECONDS)) throw new IllegalStateException("not released");
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return note(tx, id);
        }));
        awaitWaiting(shared, 0);
        return new Held(latch, outcome, id);
    }

    /** Sends {@code work} while a held unit runs; returns once it is the {@code place}-th unit waiting. */
    private static Future<String> queue(SharedTransactions shared, ExecutorService threads, int place, Function<Tx, String> work) {
        Future<String> outcome = threads.submit(() -> shared.tx(work));
        awaitWaiting(shared, place);
        return outcome;
    }

    /** Waits until a batch runs and exactly {@code n} units wait for a turn. */
    private static void awaitWaiting(SharedTransactions shared, int n) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(5))
                .until(() -> shared.running() && shared.waiting() == n);
    }
}
