package dev.tenantry.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.api.Directories;
import dev.tenantry.api.cell.CellRegistration;
import dev.tenantry.api.cell.CellReport;
import dev.tenantry.api.cell.ObservedInstance;
import dev.tenantry.api.model.InstanceSpec;
import dev.tenantry.api.model.InstanceStatus;
import dev.tenantry.api.model.Phase;
import dev.tenantry.api.model.Role;
import dev.tenantry.server.domain.CellService;
import dev.tenantry.server.domain.Principal;
import dev.tenantry.server.domain.ReportPasses;
import dev.tenantry.server.signals.Signals;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;

/**
 * The passes a cell's report asks for at once run in the report's transaction ({@link ReportPasses}): what they write
 * commits with the report and nothing wakes the workers; a pass that fails is undone while the report commits and the
 * workers are woken for it; a report that makes more instances due than it runs leaves them all to the workers. Real
 * PostgreSQL (embedded); the passes here are the test's own, which write an event each.
 */
class ReportPassesIT {
    private static final Principal AGENT = new Principal("token", "agent of c1", Role.agent, null, "c1");

    @Test
    void aReportsPassesCommitWithItAndAFailedOneIsUndoneWhileTheReportCommits() throws Exception {
        Path home = Files.createTempDirectory("tenantry-report-passes-");
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(home.resolve("pgdata"));
             Database database = new Database(pg.jdbcUrl(), pg.user(), pg.password());
             Handle h = database.jdbi().open()) {
            new CellRepository(h, Duration.ofSeconds(45)).upsert("c1", new CellRegistration("r", "hollow", 100, "localhost", "http://{host}"));
            h.execute("insert into tenants (id, name) values ('t', 't')");
            InstanceRepository instances = new InstanceRepository(h);
            for (int i = 0; i < 20; i++) {
                String uid = "i" + i;
                instances.insert(new InstanceRecord(uid, "t", uid, 1, new InstanceSpec("s", "p", "1.0.0", Map.of()),
                        new InstanceStatus(Phase.PROVISIONING, 0, null, null, null, "placed", List.of(), List.of()), null, null, null,
                        false, 0, 0, null, null, null, Instant.now(), Instant.now()));
            }
            h.execute("update instances set cell = 'c1', published = true,"
                    + " observed = jsonb_build_object('instanceUid', uid, 'generation', 1, 'state', 'STARTING')");
            h.execute("update instance_leases set reconcile_at = now() + interval '1 hour'");
            Store store = new Store(database);
            Signals signals = new Signals();
            CellService cells = new CellService(store, signals);
            List<List<String>> ran = new ArrayList<>();
            AtomicInteger signalled = new AtomicInteger();
            cells.runReportPassesWith((tx, uids) -> {
                ran.add(uids);
                uids.forEach(uid -> tx.events().append("test.passed", "instances/" + uid, "t", Map.of()));
                if (uids.contains("i2")) throw new IllegalStateException("a pass that fails");
                return new ReportPasses.Result(uids.size(), signalled::incrementAndGet);
            });

            long woken = signals.mark(Signals.Topic.RECONCILE);
            cells.report(AGENT, "c1", changes(List.of("i1", "i0"), ObservedInstance.State.RUNNING));
            assertThat(ran).as("one call, the due instances in uid order").containsExactly(List.of("i0", "i1"));
            assertThat(events(h)).as("what the passes wrote committed with the report").containsExactly("instances/i0", "instances/i1");
            assertThat(signalled).as("their signals, after the commit").hasValue(1);
            assertThat(signals.mark(Signals.Topic.RECONCILE)).as("no worker woken: nothing is left to them").isEqualTo(woken);

            ran.clear();
            cells.report(AGENT, "c1", changes(List.of("i2"), ObservedInstance.State.RUNNING));
            assertThat(ran).as("the passes tried once: the report written again without them").containsExactly(List.of("i2"));
            assertThat(observedState(h, "i2")).as("the report committed").isEqualTo("RUNNING");
            assertThat(events(h)).as("the failed pass's event undone").containsExactly("instances/i0", "instances/i1");
            assertThat(signals.mark(Signals.Topic.RECONCILE)).as("the workers woken for it").isGreaterThan(woken);
            assertThat(StartingReportIT.millisToPass(h, "i2")).as("and it is due for them").isLessThanOrEqualTo(0L);

            ran.clear();
            woken = signals.mark(Signals.Topic.RECONCILE);
            List<String> many = IntStream.range(3, 20).mapToObj(i -> "i" + i).toList();
            cells.report(AGENT, "c1", changes(many, ObservedInstance.State.RUNNING));
            assertThat(ran).as("17 due at once: more than a report runs").isEmpty();
            assertThat(signals.mark(Signals.Topic.RECONCILE)).as("all left to the workers").isGreaterThan(woken);
            assertThat(many).allSatisfy(uid -> assertThat(StartingReportIT.millisToPass(h, uid)).isLessThanOrEqualTo(0L));
        } finally {
            Directories.deleteTree(home);
        }
    }

    private static CellReport changes(List<String> uids, ObservedInstance.State state) {
        return new CellReport("c1", "agent-1", 1, false,
                uids.stream().map(uid -> new ObservedInstance(uid, 1, state, null, List.of(), null, null)).toList(), List.of());
    }

    private static List<String> events(Handle h) {
        return h.createQuery("select subject from events where type = 'test.passed' order by id").mapTo(String.class).list();
    }

    private static String observedState(Handle h, String uid) {
        return h.createQuery("select observed->>'state' from instances where uid = :u").bind("u", uid).mapTo(String.class).one();
    }
}
