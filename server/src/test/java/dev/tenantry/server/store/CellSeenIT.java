package dev.tenantry.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantry.api.Directories;
import dev.tenantry.api.cell.CellRegistration;
import dev.tenantry.api.cell.CellReport;
import dev.tenantry.api.model.Role;
import dev.tenantry.server.domain.CellService;
import dev.tenantry.server.domain.NotFoundException;
import dev.tenantry.server.domain.Principal;
import dev.tenantry.server.signals.Signals;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;

/**
 * A cell's reports say it is online ({@code last_seen}); those that follow within a second the last one this server
 * wrote, from the same agent, do not look at the cell's row again, while a report of another agent, or of a cell that
 * does not exist, always does. Real PostgreSQL (embedded).
 */
class CellSeenIT {
    @Test
    void reportsWithinASecondOfTheLastOneSeenFromTheSameAgentDoNotLookAtTheCellsRowAgain() throws Exception {
        Path home = Files.createTempDirectory("tenantry-cell-seen-");
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(home.resolve("pgdata"));
             Database database = new Database(pg.jdbcUrl(), pg.user(), pg.password());
             Handle h = database.jdbi().open()) {
            new CellRepository(h, Duration.ofSeconds(45)).upsert("c1", new CellRegistration("r", "hollow", 100, "localhost", "http://{host}"));
            CellService cells = new CellService(new Store(database), new Signals());
            Principal agent = new Principal("token", "agent of c1", Role.agent, null, "c1");

            cells.report(agent, "c1", report("c1", "agent-1"));
            assertThat(secondsSinceSeen(h, "c1")).as("the first report is written").isLessThan(60);
            assertThat(agentOf(h, "c1")).isEqualTo("agent-1");

            h.execute("update cells set last_seen = now() - interval '1 hour' where id = 'c1'");
            cells.report(agent, "c1", report("c1", "agent-1"));
            assertThat(secondsSinceSeen(h, "c1")).as("the next one, at once, does not look at the row").isGreaterThan(3000);

            cells.report(agent, "c1", report("c1", "agent-2"));
            assertThat(agentOf(h, "c1")).as("another agent's report is written at once").isEqualTo("agent-2");
            assertThat(secondsSinceSeen(h, "c1")).isLessThan(60);

            h.execute("update cells set last_seen = now() - interval '1 hour' where id = 'c1'");
            Thread.sleep(CellService.SEEN_AGAIN_AFTER.toMillis() + 100);
            cells.report(agent, "c1", report("c1", "agent-2"));
            assertThat(secondsSinceSeen(h, "c1")).as("a second later the row is looked at and written again").isLessThan(60);

            Principal stranger = new Principal("token", "agent of c9", Role.agent, null, "c9");
            for (int i = 0; i < 2; i++) {
                assertThatThrownBy(() -> cells.report(stranger, "c9", report("c9", "agent-9"))).as("a cell that does not exist, every time")
                        .isInstanceOf(NotFoundException.class);
            }
        } finally {
            Directories.deleteTree(home);
        }
    }

    private static CellReport report(String cell, String agentId) {
        return new CellReport(cell, agentId, 0, false, List.of(), List.of());
    }

    private static double secondsSinceSeen(Handle h, String cell) {
        return h.createQuery("select extract(epoch from now() - last_seen) from cells where id = :c").bind("c", cell).mapTo(Double.class).one();
    }

    private static String agentOf(Handle h, String cell) {
        return h.createQuery("select agent_id from cells where id = :c").bind("c", cell).mapTo(String.class).one();
    }
}
