package dev.tenantry.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.api.Directories;
import dev.tenantry.api.cell.CellRegistration;
import dev.tenantry.api.model.Cell;
import dev.tenantry.server.domain.Placement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;

/**
 * A placement reads only the least loaded cells, in the order {@link Placement#candidates} gives the whole list: 1,000
 * cells on real PostgreSQL (embedded), some offline, some full, loads drawn at random with ties.
 */
class PlacementCandidatesIT {
    @Test
    void theLeastLoadedOnlineCellsWithRoomComeFirstAsPlacementOrdersThem() throws Exception {
        Path home = Files.createTempDirectory("tenantry-placement-");
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(home.resolve("pgdata"));
             Database database = new Database(pg.jdbcUrl(), pg.user(), pg.password());
             Handle h = database.jdbi().open()) {
            CellRepository cells = new CellRepository(h, Duration.ofSeconds(45));
            Random random = new Random(42);
            for (int i = 0; i < 1000; i++) {
                int capacity = 1 + random.nextInt(4) * 50;
                cells.upsert(String.format("cell-%04d", i), new CellRegistration("r" + (i % 7), "hollow", capacity, "localhost", "http://{host}"));
                int load = switch (i % 10) {
                    case 0 -> capacity; // full
                    case 1 -> capacity / 2;
                    default -> random.nextInt(capacity);
                };
                String seen = i % 10 == 9 ? "now() - interval '10 minutes'" : i % 10 == 8 ? "null" : "now()"; // offline, never seen
                h.execute("update cells set live_instances = ?, last_seen = " + seen + " where id = ?", load, String.format("cell-%04d", i));
            }
            List<Cell> expected = Placement.candidates(cells.list());
            assertThat(expected).hasSizeGreaterThan(500).allMatch(c -> c.online() && c.instances() < c.capacity());
            for (int limit : List.of(1, 16, 1000)) {
                assertThat(cells.placementCandidates(limit)).extracting(Cell::id)
                        .containsExactlyElementsOf(expected.subList(0, Math.min(limit, expected.size())).stream().map(Cell::id).toList());
            }
            h.execute("update cells set live_instances = capacity");
            assertThat(cells.placementCandidates(16)).as("every cell full").isEmpty();
        } finally {
            Directories.deleteTree(home);
        }
    }
}
