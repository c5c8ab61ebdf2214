package dev.tenantry.server.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tenantry.api.Directories;
import dev.tenantry.server.signals.Signals;
import dev.tenantry.server.store.Database;
import dev.tenantry.server.store.EmbeddedPostgres;
import dev.tenantry.server.store.Leases;
import dev.tenantry.server.store.Store;
import dev.tenantry.server.store.Tx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A pass that runs far longer than its lease keeps its claim: its worker renews the lease while it runs, so a second
 * server replica (another loop with its own owner) never takes the same object up meanwhile; once the pass ends, the
 * object is free again. Real PostgreSQL (embedded), two loops on one database.
 */
class LeaseHeartbeatIT {
    private static final Duration LEASE = Duration.ofMillis(600);
    private static final Duration PASS = Duration.ofMillis(3000);

    @Test
    void aLongPassKeepsItsLeaseAgainstAnotherReplica() throws Exception {
        Path home = Files.createTempDirectory("tenantry-lease-");
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(home.resolve("pgdata"));
             Database database = new Database(pg.jdbcUrl(), pg.user(), pg.password())) {
            Store store = new Store(database);
            store.run(tx -> tx.tenants().insert("acme", "Acme", java.util.Map.of(), null));
            try (java.sql.Connection c = java.sql.DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password());
                 java.sql.Statement s = c.createStatement()) {
                s.execute("insert into instances (uid, tenant, name, generation, spec, phase, status)"
                        + " values ('ins_long', 'acme', 'long', 1, '{}', 'RUNNING', '{}')");
                s.execute("insert into instance_leases (uid, reconcile_at) values ('ins_long', now())");
            }
            List<String> passes = new CopyOnWriteArrayList<>();
            Signals signals = new Signals();
            try (ReconcileLoop a = new ReconcileLoop(store, signals, new SlowReconciler(store, passes, "a"), "a", Signals.Topic.RECONCILE, new ReconcileLoop.Claims(LEASE, 8)).start(1);
                 ReconcileLoop b = new ReconcileLoop(store, signals, new SlowReconciler(store, passes, "b"), "b", Signals.Topic.RECONCILE, new ReconcileLoop.Claims(LEASE, 8)).start(1)) {
                await().atMost(Duration.ofSeconds(10)).until(() -> !passes.isEmpty());
                Thread.sleep(PASS.toMillis() + LEASE.toMillis());
                assertThat(passes).as("one pass, by one replica, for all its %d ms (its lease is %d ms)", PASS.toMillis(), LEASE.toMillis()).hasSize(1);
            } finally {
                signals.close();
            }
        } finally {
            Directories.deleteTree(home);
        }
    }

    /** A pass of {@link #PASS} over an instance row, recorded with the loop that ran it; the lease is given back at its end. */
    private record SlowReconciler(Store store, List<String> passes, String loop) implements Reconciler {
        @Override
        public List<String> claimDue(Tx tx, String owner, Duration lease, int limit) {
            return tx.leases(Leases.Table.INSTANCES).claimDue(owner, lease, limit);
        }

        @Override
        public boolean extendLease(Tx tx, String id, String owner, Duration lease) {
            return tx.leases(Leases.Table.INSTANCES).extend(id, owner, lease);
        }

        @Override
        public Duration reconcile(String id, String owner) {
            passes.add(loop);
            try {
                Thread.sleep(PASS.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            store.run(tx -> tx.leases(Leases.Table.INSTANCES).release(id, owner, Duration.ofHours(1)));
            return null;
        }

        @Override
        public int failed(Tx tx, String id, String owner) {
            return tx.leases(Leases.Table.INSTANCES).releaseAfterFailure(id, owner, ReconcileBackoff::after);
        }
    }
}
