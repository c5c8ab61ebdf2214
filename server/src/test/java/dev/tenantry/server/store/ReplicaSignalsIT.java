package dev.tenantry.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tenantry.api.Directories;
import dev.tenantry.server.domain.Signals;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Two server replicas' signals on one PostgreSQL: a topic fired on one wakes a waiter on the other, and is not echoed
 * back. Real PostgreSQL (embedded); how soon is measured by bench/, not here.
 */
class ReplicaSignalsIT {
    @Test
    void aFireOnOneReplicaWakesTheOtherAndIsNotEchoed() throws Exception {
        Path home = Files.createTempDirectory("tenantry-signals-");
        Signals a = new Signals();
        Signals b = new Signals();
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(home.resolve("pgdata"));
             ReplicaSignals relayA = ReplicaSignals.start(pg.jdbcUrl(), pg.user(), pg.password(), a);
             ReplicaSignals relayB = ReplicaSignals.start(pg.jdbcUrl(), pg.user(), pg.password(), b)) {
            // both listen once a fire gets through: the first ones may come before LISTEN
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                long before = b.mark(Signals.Topic.EVENTS);
                a.fire(Signals.Topic.EVENTS);
                Thread.sleep(100);
                return b.mark(Signals.Topic.EVENTS) != before;
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                long before = a.mark(Signals.Topic.EVENTS);
                b.fire(Signals.Topic.EVENTS);
                Thread.sleep(100);
                return a.mark(Signals.Topic.EVENTS) != before;
            });

            long markA = a.mark(Signals.Topic.CELLS);
            long markB = b.mark(Signals.Topic.CELLS);
            a.fire(Signals.Topic.CELLS);
            b.await(Signals.Topic.CELLS, markB, Duration.ofSeconds(5));
            assertThat(b.mark(Signals.Topic.CELLS)).as("the other replica was woken (nothing else fires it)").isEqualTo(markB + 1);
            Thread.sleep(300);
            assertThat(a.mark(Signals.Topic.CELLS)).as("fired once here, not echoed back").isEqualTo(markA + 1);
            assertThat(b.mark(Signals.Topic.CELLS)).isEqualTo(markB + 1);
        } finally {
            a.close();
            b.close();
            Directories.deleteTree(home);
        }
    }
}
