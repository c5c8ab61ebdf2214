package dev.tenantry.server.signals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tenantry.api.Directories;
import dev.tenantry.server.store.EmbeddedPostgres;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Two server replicas' signals on one PostgreSQL: a topic fired on one wakes a waiter on the other, and is not echoed
 * back; topics fired together are announced in one notification. Real PostgreSQL (embedded); how soon is measured by bench/, not here.
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
            await().atMost(Duration.ofSeconds(10)).until(() -> heard(a, b, Signals.Topic.EVENTS));
            await().atMost(Duration.ofSeconds(10)).until(() -> heard(b, a, Signals.Topic.EVENTS));

            long markA = a.mark(Signals.Topic.CELLS);
            long markB = b.mark(Signals.Topic.CELLS);
            a.fire(Signals.Topic.CELLS);
            b.await(Signals.Topic.CELLS, markB, Duration.ofSeconds(5));
            assertThat(b.mark(Signals.Topic.CELLS)).as("the other replica was woken (nothing else fires it)").isEqualTo(markB + 1);
            // notifications arrive in the order they were sent: once b's next one reaches a, an echo would have too
            long logsA = a.mark(Signals.Topic.LOGS);
            b.fire(Signals.Topic.LOGS);
            a.await(Signals.Topic.LOGS, logsA, Duration.ofSeconds(5));
            assertThat(a.mark(Signals.Topic.LOGS)).isEqualTo(logsA + 1);
            assertThat(a.mark(Signals.Topic.CELLS)).as("fired once here, not echoed back").isEqualTo(markA + 1);
            assertThat(b.mark(Signals.Topic.CELLS)).isEqualTo(markB + 1);

            // topics fired together go in one notification (one commit), and every one of them is fired on the other replica
            try (Connection raw = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password()); Statement listen = raw.createStatement()) {
                listen.execute("LISTEN " + ReplicaSignals.CHANNEL);
                long rollouts = b.mark(Signals.Topic.ROLLOUTS);
                long backups = b.mark(Signals.Topic.BACKUPS);
                long webhooks = b.mark(Signals.Topic.WEBHOOKS);
                a.fire(Signals.Topic.ROLLOUTS);
                a.fire(Signals.Topic.BACKUPS);
                a.fire(Signals.Topic.WEBHOOKS);
                b.await(Signals.Topic.WEBHOOKS, webhooks, Duration.ofSeconds(5));
                await().atMost(Duration.ofSeconds(5)).until(() -> b.mark(Signals.Topic.ROLLOUTS) > rollouts && b.mark(Signals.Topic.BACKUPS) > backups
                        && b.mark(Signals.Topic.WEBHOOKS) > webhooks);
                PGNotification[] received = raw.unwrap(PGConnection.class).getNotifications(1000);
                assertThat(received).hasSize(1);
                assertThat(received[0].getParameter()).endsWith(":ROLLOUTS,BACKUPS,WEBHOOKS");
            }
        } finally {
            a.close();
            b.close();
            Directories.deleteTree(home);
        }
    }

    @Test
    void aReplicaAloneOnItsDatabaseNotifiesNobodyUntilAnotherListens() throws Exception {
        Path home = Files.createTempDirectory("tenantry-signals-");
        Signals a = new Signals();
        Signals b = new Signals();
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(home.resolve("pgdata"));
             ReplicaSignals relayA = ReplicaSignals.start(pg.jdbcUrl(), pg.user(), pg.password(), a);
             Connection raw = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password()); Statement listen = raw.createStatement()) {
            // an eavesdropper that is no replica: the lone replica sends nothing (each notification would be a commit)
            listen.execute("LISTEN " + ReplicaSignals.CHANNEL);
            for (Signals.Topic topic : Signals.Topic.values()) a.fire(topic);
            // a notification is sent within milliseconds of a fire; none may come in the next 1.5 s
            assertThat(raw.unwrap(PGConnection.class).getNotifications(1500)).as("notifications of a replica alone").isNullOrEmpty();

            try (ReplicaSignals relayB = ReplicaSignals.start(pg.jdbcUrl(), pg.user(), pg.password(), b)) {
                await().atMost(Duration.ofSeconds(10)).until(() -> heard(a, b, Signals.Topic.CELLS));
                PGNotification[] received = raw.unwrap(PGConnection.class).getNotifications(1000);
                assertThat(received).as("once another replica listens").isNotEmpty();
            }
        } finally {
            a.close();
            b.close();
            Directories.deleteTree(home);
        }
    }

    @Test
    void aFireForOneKeyWakesThatKeysWaitersOnTheOtherReplicaNotOtherKeys() throws Exception {
        Path home = Files.createTempDirectory("tenantry-signals-");
        Signals a = new Signals();
        Signals b = new Signals();
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(home.resolve("pgdata"));
             ReplicaSignals relayA = ReplicaSignals.start(pg.jdbcUrl(), pg.user(), pg.password(), a);
             ReplicaSignals relayB = ReplicaSignals.start(pg.jdbcUrl(), pg.user(), pg.password(), b);
             Connection raw = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password()); Statement listen = raw.createStatement()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> heard(a, b, Signals.Topic.EVENTS));
            listen.execute("LISTEN " + ReplicaSignals.CHANNEL);
            long cellA = b.mark(Signals.Topic.CELLS, "a");
            long cellB = b.mark(Signals.Topic.CELLS, "b");
            a.fire(Signals.Topic.CELLS, "a");
            b.await(Signals.Topic.CELLS, "a", cellA, Duration.ofSeconds(5));
            assertThat(b.mark(Signals.Topic.CELLS, "a")).as("cell a's polls on the other replica were woken").isEqualTo(cellA + 1);
            assertThat(b.mark(Signals.Topic.CELLS, "b")).as("cell b's were not").isEqualTo(cellB);
            PGNotification[] received = raw.unwrap(PGConnection.class).getNotifications(1000);
            assertThat(received).hasSize(1);
            assertThat(received[0].getParameter()).as("the topic and the key's bucket").endsWith(":CELLS=" + Signals.bucket("a"));
        } finally {
            a.close();
            b.close();
            Directories.deleteTree(home);
        }
    }

    /** Whether a fire of {@code topic} on {@code from} wakes {@code to} within a short wait (false before both listen). */
    private static boolean heard(Signals from, Signals to, Signals.Topic topic) throws InterruptedException {
        long before = to.mark(topic);
        from.fire(topic);
        to.await(topic, before, Duration.ofMillis(200));
        return to.mark(topic) != before;
    }
}
