package dev.tenantry.server.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantry.api.Directories;
import dev.tenantry.server.keys.KeyFile;
import dev.tenantry.server.keys.SecretBox;
import dev.tenantry.server.store.Database;
import dev.tenantry.server.store.EmbeddedPostgres;
import dev.tenantry.server.store.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A request with an Idempotency-Key whose server stopped before keeping its answer (simulated: the work runs while the
 * claim is bound, and the answer is never kept): a retry after the claim is abandoned is told that it was carried out if
 * any transaction of its work committed, and is served anew if none did (it only read, or it rolled back); a retry within
 * the abandon time is still "in flight"; a kept answer is replayed. Real PostgreSQL (embedded).
 */
class IdempotentRequestsIT {
    private static final String SCOPE = "request/tok_1";
    private static final String HASH = "hash-of-the-request";

    @Test
    void aRetryAfterACrashIsToldTheWorkWasCarriedOutAndNothingRunsTwice() throws Exception {
        Path home = Files.createTempDirectory("tenantry-idempotent-");
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(home.resolve("pgdata"));
             Database database = new Database(pg.jdbcUrl(), pg.user(), pg.password())) {
            Store store = new Store(database);
            Instant[] now = {Instant.now()};
            Clock clock = new Clock() {
                @Override public java.time.ZoneId getZone() { return ZoneOffset.UTC; }
                @Override public Clock withZone(java.time.ZoneId zone) { return this; }
                @Override public Instant instant() { return now[0]; }
            };
            IdempotentRequests requests = new IdempotentRequests(store, new SecretBox(KeyFile.openOrCreate(home.resolve("kek"))), clock);

            // the work committed; the server died before the answer was kept
            assertThat(requests.start(SCOPE, "wrote", HASH)).isInstanceOf(IdempotentRequests.Claimed.class);
            served("wrote", () -> store.run(tx -> tx.tenants().insert("acme", "Acme", Map.of(), null)));
            // it only read
            assertThat(requests.start(SCOPE, "read", HASH)).isInstanceOf(IdempotentRequests.Claimed.class);
            served("read", () -> store.tx(tx -> tx.tenants().get("acme")));
            // its work rolled back
            assertThat(requests.start(SCOPE, "failed", HASH)).isInstanceOf(IdempotentRequests.Claimed.class);
            served("failed", () -> assertThatThrownBy(() -> store.run(tx -> {
                tx.tenants().insert("globex", "Globex", Map.of(), null);
                throw new IllegalStateException("rolled back");
            })).hasMessage("rolled back"));
            // answered
            assertThat(requests.start(SCOPE, "answered", HASH)).isInstanceOf(IdempotentRequests.Claimed.class);
            served("answered", () -> store.run(tx -> tx.tenants().insert("initech", "Initech", Map.of(), null)));
            requests.finish(SCOPE, "answered", 201, Map.of("Location", "/v1/tenants/initech"), "{\"id\":\"initech\"}");
            // a transaction outside any request's handler marks nothing
            store.run(tx -> tx.tenants().insert("umbrella", "Umbrella", Map.of(), null));

            assertThat(requests.start(SCOPE, "wrote", HASH)).as("within the abandon time: its server may still answer")
                    .isInstanceOf(IdempotentRequests.InFlight.class);
            now[0] = now[0].plus(IdempotentRequests.ABANDONED_AFTER).plusSeconds(1);
            assertThat(requests.start(SCOPE, "wrote", HASH)).as("carried out: not run again").isInstanceOf(IdempotentRequests.CarriedOut.class);
            assertThat(requests.start(SCOPE, "wrote", HASH)).as("and so each time").isInstanceOf(IdempotentRequests.CarriedOut.class);
            assertThat(requests.start(SCOPE, "read", HASH)).as("nothing of it committed: served anew").isInstanceOf(IdempotentRequests.Claimed.class);
            assertThat(requests.start(SCOPE, "failed", HASH)).as("rolled back: served anew").isInstanceOf(IdempotentRequests.Claimed.class);
            assertThat(requests.start(SCOPE, "answered", HASH)).isEqualTo(
                    new IdempotentRequests.Replay(201, Map.of("Location", "/v1/tenants/initech"), "{\"id\":\"initech\"}"));
            assertThat(requests.start(SCOPE, "wrote", "another request")).isInstanceOf(IdempotentRequests.Mismatch.class);
        } finally {
            Directories.deleteTree(home);
        }
    }

    /** Runs {@code work} as a request's handler whose key was claimed: bound, then unbound, and no answer kept. */
    private static void served(String key, Runnable work) {
        IdempotentRequests.bind(SCOPE, key);
        try {
            work.run();
        } finally {
            IdempotentRequests.unbind();
        }
    }
}
