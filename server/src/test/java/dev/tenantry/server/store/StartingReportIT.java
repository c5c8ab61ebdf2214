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
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;

/**
 * An agent's report asks for passes: at once for every change of an instance's observed state, but a little later
 * ({@link InstanceRepository#STARTING_PASS_DELAY}) for a new instance's first report of its replicas starting, so that
 * a replica healthy by then costs one pass instead of two. Real PostgreSQL (embedded).
 */
class StartingReportIT {
    @Test
    void aNewInstancesFirstStartingReportAsksForItsPassLaterAndItsRunningReportAtOnce() throws Exception {
        Path home = Files.createTempDirectory("tenantry-starting-");
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(home.resolve("pgdata"));
             Database database = new Database(pg.jdbcUrl(), pg.user(), pg.password());
             Handle h = database.jdbi().open()) {
            new CellRepository(h, Duration.ofSeconds(45)).upsert("c1", new CellRegistration("r", "hollow", 10, "localhost", "http://{host}"));
            h.execute("insert into tenants (id, name) values ('t', 't')");
            InstanceRepository instances = new InstanceRepository(h);
            for (String uid : List.of("new", "restarting")) {
                instances.insert(new InstanceRecord(uid, "t", uid, 1, new InstanceSpec("s", "p", "1.0.0", Map.of()),
                        new InstanceStatus(Phase.PROVISIONING, 0, null, null, null, "placed", List.of(), List.of()), null, null, null,
                        false, 0, 0, null, null, null, Instant.now(), Instant.now()));
            }
            h.execute("update instances set cell = 'c1', phase = 'PROVISIONING', published = true");
            h.execute("update instances set phase = 'RUNNING', observed = '{\"instanceUid\": \"restarting\", \"generation\": 1, \"state\": \"RUNNING\"}'"
                    + " where uid = 'restarting'");
            h.execute("update instance_leases set reconcile_at = now() + interval '10 seconds'");

            assertThat(instances.saveReport("c1", 1, false, List.of(observed("new", ObservedInstance.State.STARTING),
                    observed("restarting", ObservedInstance.State.STARTING)), List.of())).as("passes asked for now: only the restart's").containsExactly("restarting");
            assertThat(millisToPass(h, "new")).as("the first start: a little later").isBetween(1000L, InstanceRepository.STARTING_PASS_DELAY.toMillis());
            assertThat(millisToPass(h, "restarting")).as("a running instance's replicas starting again: at once").isLessThanOrEqualTo(0L);

            instances.saveReport("c1", 1, false, List.of(observed("new", ObservedInstance.State.RUNNING)), List.of());
            assertThat(millisToPass(h, "new")).as("running: at once").isLessThanOrEqualTo(0L);
        } finally {
            Directories.deleteTree(home);
        }
    }

    @Test
    void aReportOfChangesWritesOnlyTheNamedRowsOfItsOwnCellThatMoved() throws Exception {
        Path home = Files.createTempDirectory("tenantry-changes-");
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(home.resolve("pgdata"));
             Database database = new Database(pg.jdbcUrl(), pg.user(), pg.password());
             Handle h = database.jdbi().open()) {
            CellRepository cells = new CellRepository(h, Duration.ofSeconds(45));
            cells.upsert("c1", new CellRegistration("r", "hollow", 10, "localhost", "http://{host}"));
            cells.upsert("c2", new CellRegistration("r", "hollow", 10, "localhost", "http://{host}"));
            h.execute("insert into tenants (id, name) values ('t', 't')");
            InstanceRepository instances = new InstanceRepository(h);
            for (String uid : List.of("a-running", "b-stopping", "c-purging", "d-other-cell")) {
                instances.insert(new InstanceRecord(uid, "t", uid, 1, new InstanceSpec("s", "p", "1.0.0", Map.of()),
                        new InstanceStatus(Phase.PROVISIONING, 0, null, null, null, "placed", List.of(), List.of()), null, null, null,
                        false, 0, 0, null, null, null, Instant.now(), Instant.now()));
            }
            h.execute("update instances set cell = 'c1', phase = 'RUNNING', published = true,"
                    + " observed = jsonb_build_object('instanceUid', uid, 'generation', 1, 'state', 'RUNNING')");
            h.execute("update instances set cell = 'c2' where uid = 'd-other-cell'");
            h.execute("update instances set phase = 'PURGING', observed = null, agent_revision = 1 where uid = 'c-purging'");
            h.execute("update instance_leases set reconcile_at = now() + interval '10 seconds'");

            assertThat(instances.saveReport("c1", 2, false, List.of(observed("a-running", ObservedInstance.State.RUNNING)), List.of()))
                    .as("the agent's own form of the same observation: no pass asked for").isEmpty();
            assertThat(millisToPass(h, "a-running")).as("the same state: no pass").isGreaterThan(5000L);
            String written = h.createQuery("select xmin::text from instances where uid = 'a-running'").mapTo(String.class).one();
            assertThat(h.createQuery("select agent_revision from instances where uid = 'a-running'").mapTo(Long.class).one())
                    .as("but written").isEqualTo(2L);
            assertThat(instances.saveReport("c1", 2, false, List.of(observed("a-running", ObservedInstance.State.RUNNING)), List.of())).isEmpty();
            assertThat(h.createQuery("select xmin::text from instances where uid = 'a-running'").mapTo(String.class).one())
                    .as("an observation that did not change writes nothing").isEqualTo(written);
            assertThat(millisToPass(h, "a-running")).as("and asks for no pass").isGreaterThan(5000L);

            // uids out of order, a removal among observations, an instance of another cell, one that does not exist
            List<String> changed = instances.saveReport("c1", 3, false, List.of(observed("d-other-cell", ObservedInstance.State.FAILED),
                    observed("a-running", ObservedInstance.State.STARTING), observed("no-such", ObservedInstance.State.RUNNING)),
                    List.of("c-purging", "b-stopping"));
            assertThat(changed).as("passes asked for now, in uid order: a-running observed, b-stopping and c-purging stopped")
                    .containsExactly("a-running", "b-stopping", "c-purging");
            assertThat(h.createQuery("select observed->>'state' from instances where uid = 'a-running'").mapTo(String.class).one()).isEqualTo("STARTING");
            assertThat(h.createQuery("select observed is null and agent_revision = 3 from instances where uid in ('b-stopping', 'c-purging')")
                    .mapTo(Boolean.class).list()).containsExactly(true, true);
            for (String uid : List.of("a-running", "b-stopping", "c-purging")) {
                assertThat(millisToPass(h, uid)).as(uid + ": its pass at once").isLessThanOrEqualTo(0L);
            }
            assertThat(h.createQuery("select observed->>'state' from instances where uid = 'd-other-cell'").mapTo(String.class).one())
                    .as("another cell's instance is not the agent's to report").isEqualTo("RUNNING");
            assertThat(millisToPass(h, "d-other-cell")).isGreaterThan(5000L);
        } finally {
            Directories.deleteTree(home);
        }
    }

    private static ObservedInstance observed(String uid, ObservedInstance.State state) {
        return new ObservedInstance(uid, 1, state, null, List.of(), null, null);
    }

    /** Milliseconds until the instance's next pass is due (negative: due). */
    static long millisToPass(Handle h, String uid) {
        return h.createQuery("select (extract(epoch from reconcile_at - now()) * 1000)::bigint from instance_leases where uid = :u")
                .bind("u", uid).mapTo(Long.class).one();
    }
}
