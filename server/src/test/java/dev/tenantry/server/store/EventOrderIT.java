package dev.tenantry.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.api.Directories;
import dev.tenantry.api.model.Event;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;

/**
 * The outbox takes no lock, yet no reader skips an event: a transaction that began first and commits last has its event
 * read first, only once it has committed, even though a later transaction's event got the smaller id. Real PostgreSQL
 * (embedded), two open transactions on two connections.
 */
class EventOrderIT {
    @Test
    void anEventOfATransactionStillOpenHoldsBackTheOnesAfterItAndIsNeverSkipped() throws Exception {
        Path home = Files.createTempDirectory("tenantry-events-");
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(home.resolve("pgdata"));
             Database database = new Database(pg.jdbcUrl(), pg.user(), pg.password());
             Handle early = database.jdbi().open();
             Handle late = database.jdbi().open();
             Handle reader = database.jdbi().open()) {
            early.begin();
            early.createQuery("select pg_current_xact_id()").mapTo(String.class).one(); // it begins writing now
            late.begin();
            EventRepository lateEvents = new EventRepository(late);
            lateEvents.append("test.late", "tests/late", null, Map.of());
            lateEvents.pendingWrites().forEach(w -> w.execute(late));
            late.commit();
            EventRepository earlyEvents = new EventRepository(early);
            earlyEvents.append("test.early", "tests/early", null, Map.of());
            earlyEvents.pendingWrites().forEach(w -> w.execute(early));

            EventRepository outbox = new EventRepository(reader);
            assertThat(outbox.after(0, null, null, 10)).as("the late event waits for the transaction that began before it").isEmpty();
            assertThat(outbox.lastId()).as("nothing is final yet").isZero();

            early.commit();
            List<Event> events = outbox.after(0, null, null, 10);
            assertThat(events).extracting(Event::type).containsExactly("test.early", "test.late");
            assertThat(Long.parseLong(events.get(0).id())).as("the early one has the larger id").isGreaterThan(Long.parseLong(events.get(1).id()));
            assertThat(outbox.after(Long.parseLong(events.get(0).id()), null, null, 10)).extracting(Event::type).containsExactly("test.late");
            assertThat(outbox.after(Long.parseLong(events.get(1).id()), null, null, 10)).isEmpty();
            assertThat(outbox.lastId()).isEqualTo(Long.parseLong(events.get(1).id()));
            EventRepository.Scan lateOnly = outbox.scan(0, null, null, new String[] {"test.l%"}, 10);
            assertThat(lateOnly.events()).as("by type, as LIKE patterns").extracting(Event::type).containsExactly("test.late");
            assertThat(lateOnly.lastId()).as("read past the other types").isEqualTo(Long.parseLong(events.get(1).id()));
            assertThat(lateOnly.scanned()).isEqualTo(2);
            EventRepository.Scan none = outbox.scan(0, null, null, new String[] {"nothing.%"}, 1);
            assertThat(none.events()).isEmpty();
            assertThat(none.lastId()).as("a cursor past what matched nothing").isEqualTo(Long.parseLong(events.get(0).id()));
            assertThat(outbox.scan(none.lastId(), null, null, new String[] {"test.early", "test.late"}, 10).events()).extracting(Event::type)
                    .containsExactly("test.late");
            assertThat(outbox.after(999_999, null, null, 10)).as("a cursor no longer kept replays what is kept").hasSize(2);
        } finally {
            Directories.deleteTree(home);
        }
    }
}
