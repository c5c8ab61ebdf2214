package dev.tenantry.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantry.api.Directories;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;

/**
 * A transaction's writes that wait for its end ({@link Tx#atCommit}), its audit records and its events go to
 * PostgreSQL as one statement: each is written with its own parameters (the same names in several, nulls, casts), and a
 * transaction whose combined statement fails writes none of it. Real PostgreSQL (embedded).
 */
class WritesAtCommitIT {
    @Test
    void aTransactionsWritesAuditRecordsAndEventsGoTogetherEachWithItsOwnParameters() throws Exception {
        Path home = Files.createTempDirectory("tenantry-writes-");
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(home.resolve("pgdata"));
             Database database = new Database(pg.jdbcUrl(), pg.user(), pg.password());
             Handle h = database.jdbi().open()) {
            h.execute("create table notes (id text primary key, n bigint, doc jsonb, at timestamptz)");
            h.execute("insert into notes (id, n) values ('b', 1)");
            Store store = new Store(database);
            java.util.concurrent.atomic.AtomicInteger statements = new java.util.concurrent.atomic.AtomicInteger();
            database.jdbi().setSqlLogger(new org.jdbi.v3.core.statement.SqlLogger() {
                @Override
                public void logAfterExecution(org.jdbi.v3.core.statement.StatementContext context) {
                    statements.incrementAndGet();
                }
            });
            store.run(tx -> {
                tx.atCommit(new Write("insert into notes (id, n, doc) values (:id, :n, cast(:doc as jsonb))")
                        .bind("id", "a").bind("n", 7L).bind("doc", "{\"k\": 1}"));
                tx.atCommit(new Write("update notes set n = case when :n::bigint is null then -1 else :n end, at = :at where id = :id")
                        .bind("id", "b").bind("n", null).bind("at", null));
                tx.audit().record("tester", "note.write", "notes/a", null, "success", "two notes");
                tx.events().append("note.written", "notes/a", null, Map.of("id", "a"));
                tx.events().append("note.written", "notes/b", null, Map.of("id", "b"));
            });
            assertThat(statements.get()).as("one statement").isEqualTo(1);
            assertThat(h.createQuery("select id || ':' || n || ':' || coalesce(doc->>'k', '-') from notes order by id").mapTo(String.class).list())
                    .containsExactly("a:7:1", "b:-1:-");
            assertThat(h.createQuery("select subject from events order by id").mapTo(String.class).list()).containsExactly("notes/a", "notes/b");
            assertThat(h.createQuery("select detail from audit_pending").mapTo(String.class).list()).containsExactly("two notes");

            assertThatThrownBy(() -> store.run(tx -> {
                tx.atCommit(new Write("insert into notes (id, n) values (:id, :n)").bind("id", "c").bind("n", 1L));
                tx.atCommit(new Write("insert into notes (id, n) values (:id, :n)").bind("id", "a").bind("n", 2L));
                tx.events().append("note.written", "notes/c", null, Map.of());
            })).isInstanceOf(DuplicateKeyException.class);
            assertThat(h.createQuery("select count(*) from notes where id = 'c'").mapTo(Integer.class).one()).as("nothing of it").isZero();
            assertThat(h.createQuery("select count(*) from events").mapTo(Integer.class).one()).isEqualTo(2);

            // more events than one insert takes: several inserts, their ids in the order of the appends
            statements.set(0);
            store.run(tx -> {
                for (int i = 0; i < 8_000; i++) tx.events().append("note.counted", "notes/" + i, null, Map.of());
            });
            assertThat(statements.get()).as("8 inserts of 1,000 events, each alone: in one statement their order would be none").isEqualTo(8);
            List<String> subjects = h.createQuery("select subject from events where type = 'note.counted' order by id").mapTo(String.class).list();
            assertThat(subjects).hasSize(8_000);
            assertThat(subjects.get(999)).isEqualTo("notes/999");
            assertThat(subjects.get(1000)).isEqualTo("notes/1000");
            assertThat(subjects.getLast()).isEqualTo("notes/7999");

            // more parameters than one statement binds (35 writes of 1,000): two statements, 30,000 and 5,000
            statements.set(0);
            store.run(tx -> {
                StringBuilder values = new StringBuilder();
                for (int r = 0; r < 500; r++) values.append(r == 0 ? "" : ", ").append("(:id").append(r).append(", :n").append(r).append(")");
                for (int w = 0; w < 35; w++) {
                    Write write = new Write("insert into notes (id, n) values " + values);
                    for (int r = 0; r < 500; r++) write.bind("id" + r, "bulk-" + w + "-" + r).bind("n" + r, (long) r);
                    tx.atCommit(write);
                }
            });
            assertThat(statements.get()).isEqualTo(2);
            assertThat(h.createQuery("select count(*) from notes where id like 'bulk-%'").mapTo(Integer.class).one()).isEqualTo(17_500);
        } finally {
            Directories.deleteTree(home);
        }
    }
}
