package dev.tenantry.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.api.Directories;
import dev.tenantry.api.cell.CellRegistration;
import dev.tenantry.api.cell.ObservedInstance;
import dev.tenantry.api.model.InstanceSpec;
import dev.tenantry.api.model.InstanceStatus;
import dev.tenantry.api.model.Phase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;

/**
 * An instance's pass holds no lease: it locks its instance and lease rows in its one transaction. Another worker (or
 * server replica) skips it meanwhile without waiting; a report asking for a pass meanwhile is applied after the pass
 * commits, so it is not lost under the pass's own schedule; a pass not due is not run; a failed pass counts and backs
 * off. Real PostgreSQL (embedded), concurrent transactions on their own connections.
 */
class InstancePassLockIT {
    @Test
    void aPassLocksItsInstanceAloneAndAReportDuringItAsksForTheNextAfterIt() throws Exception {
        Path home = Files.createTempDirectory("tenantry-pass-lock-");
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(home.resolve("pgdata"));
             Database database = new Database(pg.jdbcUrl(), pg.user(), pg.password());
             Handle setup = database.jdbi().open()) {
            new CellRepository(setup, Duration.ofSeconds(45)).upsert("c1", new CellRegistration("r", "hollow", 10, "localhost", "http://{host}"));
            setup.execute("insert into tenants (id, name) values ('t', 't')");
            new InstanceRepository(setup).insert(new InstanceRecord("ins", "t", "web", 1, new InstanceSpec("s", "p", "1.0.0", Map.of()),
                    new InstanceStatus(Phase.PROVISIONING, 0, null, null, null, "placed", List.of(), List.of()), null, null, null,
                    false, 0, 0, null, null, null, Instant.now(), Instant.now()));
            setup.execute("update instances set cell = 'c1', published = true");
            setup.execute("update instance_leases set reconcile_at = now()");
            Store store = new Store(database);

            assertThat(due(store)).containsExactly("ins");
            try (Handle pass = database.jdbi().open()) {
                pass.begin();
                assertThat(new InstanceRepository(pass).lockForPassIfDue("ins")).as("the pass's inputs, locked").isPresent();

                long started = System.nanoTime();
                assertThat(passInputs(store)).as("another worker: skipped").isEmpty();
                assertThat(Duration.ofNanos(System.nanoTime() - started)).as("without waiting for the pass").isLessThan(Duration.ofSeconds(2));

                CompletableFuture<List<String>> report = CompletableFuture.supplyAsync(() -> store.tx(tx -> tx.instances().saveReport("c1", 1, false,
                        List.of(new ObservedInstance("ins", 1, ObservedInstance.State.RUNNING, null, List.of(), null, null)), List.of())));
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> setup.createQuery(
                        "select count(*) from pg_stat_activity where wait_event_type = 'Lock'").mapTo(Integer.class).one() == 1);
                assertThat(report).as("the report waits for the pass's lock").isNotDone();
                new Leases(pass, Leases.Table.INSTANCES).reschedule("ins", Duration.ofHours(1));
                pass.commit();
                assertThat(report.get(10, TimeUnit.SECONDS)).as("rows the report changed").containsExactly("ins");
            }
            assertThat(millisToPass(setup)).as("the report's request, after the pass's hour").isLessThanOrEqualTo(0L);

            setup.execute("update instance_leases set reconcile_at = now() + interval '1 hour'");
            assertThat(passInputs(store)).as("not due").isEmpty();
            assertThat(due(store)).isEmpty();

            assertThat(countFailure(store, "ins")).isEqualTo(1);
            assertThat(countFailure(store, "ins")).isEqualTo(2);
            assertThat(millisToPass(setup)).as("backed off after two failures").isBetween(10_000L, 20_000L);
            assertThat(countFailure(store, "gone")).isZero();
        } finally {
            Directories.deleteTree(home);
        }
    }

    private static List<String> due(Store store) {
        return store.read(tx -> tx.leases(Leases.Table.INSTANCES).due(8));
    }

    private static java.util.Optional<InstanceRepository.PassInputs> passInputs(Store store) {
        return store.tx(tx -> tx.instances().lockForPassIfDue("ins"));
    }

    private static int countFailure(Store store, String uid) {
        return store.tx(tx -> tx.leases(Leases.Table.INSTANCES).countFailure(uid, n -> Duration.ofSeconds(10L * n)));
    }

    private static long millisToPass(Handle h) {
        return h.createQuery("select (extract(epoch from reconcile_at - now()) * 1000)::bigint from instance_leases where uid = 'ins'")
                .mapTo(Long.class).one();
    }
}
