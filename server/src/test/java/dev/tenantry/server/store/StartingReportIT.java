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

            instances.saveReport("c1", 1, false, List.of(observed("new", ObservedInstance.State.STARTING), observed("restarting", ObservedInstance.State.STARTING)), List.of());
            assertThat(millisToPass(h, "new")).as("the first start: a little later").isBetween(1000L, InstanceRepository.STARTING_PASS_DELAY.toMillis());
            assertThat(millisToPass(h, "restarting")).as("a running instance's replicas starting again: at once").isLessThanOrEqualTo(0L);

            instances.saveReport("c1", 1, false, List.of(observed("new", ObservedInstance.State.RUNNING)), List.of());
            assertThat(millisToPass(h, "new")).as("running: at once").isLessThanOrEqualTo(0L);
        } finally {
            Directories.deleteTree(home);
        }
    }

    private static ObservedInstance observed(String uid, ObservedInstance.State state) {
        return new ObservedInstance(uid, 1, state, null, List.of(), null, null);
    }

    private static long millisToPass(Handle h, String uid) {
        return h.createQuery("select (extract(epoch from reconcile_at - now()) * 1000)::bigint from instance_leases where uid = :u")
                .bind("u", uid).mapTo(Long.class).one();
    }
}
