package dev.tenantry.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.api.Directories;
import dev.tenantry.api.cell.LogRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;

/**
 * Log requests and their chunks in the database, as two server replicas share them: a request is taken by one poll
 * only, chunks come out in the order they went in, a client that reads slowly makes posts wait (full), one that went
 * away makes them fail (gone), what waits is bounded in chunks and in bytes per request and per cell, and requests left
 * by a stopped server are removed. Real PostgreSQL (embedded).
 */
class LogRequestRepositoryIT {
    private static final LogRequestRepository.Room TWO = new LogRequestRepository.Room(2, 1 << 20, 1 << 20);

    @Test
    void requestsAreTakenOnceAndChunksComeInOrderUntilTheClientGoes() throws Exception {
        Path home = Files.createTempDirectory("tenantry-log-requests-");
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(home.resolve("pgdata"));
             Database database = new Database(pg.jdbcUrl(), pg.user(), pg.password());
             Handle first = database.jdbi().open();
             Handle second = database.jdbi().open()) {
            LogRequestRepository one = new LogRequestRepository(first);
            LogRequestRepository other = new LogRequestRepository(second);
            LogRequest request = new LogRequest("log_1", "ins_1", "web-0", 100, true, Instant.parse("2026-12-04T10:00:00Z"));
            one.insert("c1", "acme", request);
            one.insert("c2", "acme", new LogRequest("log_2", "ins_2", "web-0", 5, false));

            assertThat(other.take("c1")).as("the other replica hands it to c1's agent, as it was asked").containsExactly(request);
            assertThat(one.take("c1")).as("taken once").isEmpty();
            assertThat(one.openFor("c1")).isEqualTo(1);
            assertThat(one.openFor("c1", "acme")).isEqualTo(1);
            assertThat(one.openFor("c1", "globex")).isZero();

            assertThat(other.addChunk("c2", "log_1", bytes("x"), false, TWO)).as("another cell's agent cannot post to it").isEqualTo(LogRequestRepository.Added.GONE);
            assertThat(other.addChunk("c1", "log_1", bytes("a\n"), false, TWO)).isEqualTo(LogRequestRepository.Added.ADDED);
            assertThat(other.addChunk("c1", "log_1", bytes("b\n"), false, TWO)).isEqualTo(LogRequestRepository.Added.ADDED);
            assertThat(other.addChunk("c1", "log_1", bytes("c\n"), true, TWO)).as("two wait already").isEqualTo(LogRequestRepository.Added.FULL);
            assertThat(first.createQuery("select count(*) from log_chunks").mapTo(Integer.class).one()).isEqualTo(2);
            assertThat(new String(one.takeNextChunk("log_1").orElseThrow().bytes(), StandardCharsets.UTF_8)).isEqualTo("a\n");
            assertThat(other.addChunk("c1", "log_1", bytes("c\n"), true, TWO)).as("room again").isEqualTo(LogRequestRepository.Added.ADDED);
            assertThat(new String(one.takeNextChunk("log_1").orElseThrow().bytes(), StandardCharsets.UTF_8)).isEqualTo("b\n");
            LogRequestRepository.Chunk last = one.takeNextChunk("log_1").orElseThrow();
            assertThat(new String(last.bytes(), StandardCharsets.UTF_8)).isEqualTo("c\n");
            assertThat(last.last()).isTrue();
            assertThat(one.takeNextChunk("log_1")).isEmpty();

            other.addChunk("c1", "log_1", bytes("d\n"), false, TWO);
            one.delete("log_1");
            assertThat(other.addChunk("c1", "log_1", bytes("e\n"), false, TWO)).as("its client went away").isEqualTo(LogRequestRepository.Added.GONE);
            assertThat(first.createQuery("select count(*) from log_chunks").mapTo(Integer.class).one()).as("its chunks went with it").isZero();

            first.execute("update log_requests set created_at = now() - interval '2 hours' where id = 'log_2'");
            assertThat(one.deleteOlderThan(Duration.ofHours(1))).as("left by a server that stopped").isEqualTo(1);
            assertThat(one.openFor("c2")).isZero();
            assertThat(other.take("c2")).isEmpty();
        } finally {
            Directories.deleteTree(home);
        }
    }

    @Test
    void whatWaitsIsBoundedInBytesPerRequestAndPerCell() throws Exception {
        Path home = Files.createTempDirectory("tenantry-log-requests-");
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(home.resolve("pgdata"));
             Database database = new Database(pg.jdbcUrl(), pg.user(), pg.password());
             Handle handle = database.jdbi().open()) {
            LogRequestRepository logs = new LogRequestRepository(handle);
            for (String id : new String[] {"log_a", "log_b", "log_c"}) logs.insert("c1", "acme", new LogRequest(id, "ins_1", "web-0", 100, true, null));
            logs.insert("c2", "globex", new LogRequest("log_d", "ins_2", "web-0", 100, true, null));
            // per request at most 1,000 bytes, per cell 1,500, and many chunks
            LogRequestRepository.Room room = new LogRequestRepository.Room(100, 1_000, 1_500);
            byte[] kilobyte = new byte[1_000];
            byte[] half = new byte[500];
            assertThat(logs.addChunk("c1", "log_a", kilobyte, false, room)).isEqualTo(LogRequestRepository.Added.ADDED);
            assertThat(logs.addChunk("c1", "log_a", new byte[1], false, room)).as("the request's 1,000 bytes wait").isEqualTo(LogRequestRepository.Added.FULL);
            assertThat(logs.addChunk("c1", "log_a", new byte[0], false, room)).as("an empty chunk (a keep-alive) still fits")
                    .isEqualTo(LogRequestRepository.Added.ADDED);
            assertThat(logs.addChunk("c1", "log_b", half, false, room)).isEqualTo(LogRequestRepository.Added.ADDED);
            assertThat(logs.addChunk("c1", "log_c", new byte[1], false, room)).as("the cell's 1,500 bytes wait").isEqualTo(LogRequestRepository.Added.FULL);
            assertThat(logs.addChunk("c2", "log_d", kilobyte, false, room)).as("another cell's room is its own").isEqualTo(LogRequestRepository.Added.ADDED);
            logs.takeNextChunk("log_a");
            assertThat(logs.addChunk("c1", "log_c", half, false, room)).as("room again once a client read").isEqualTo(LogRequestRepository.Added.ADDED);
        } finally {
            Directories.deleteTree(home);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
