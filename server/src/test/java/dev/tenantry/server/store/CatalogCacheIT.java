package dev.tenantry.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantry.api.Directories;
import dev.tenantry.api.blueprint.Blueprint;
import dev.tenantry.api.blueprint.Component;
import dev.tenantry.api.blueprint.Resources;
import dev.tenantry.api.model.Plan;
import dev.tenantry.api.model.Release;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;

/**
 * Releases and plans are read from the database once, then from the store's cache; a row a transaction reads back
 * from its own insert is not kept (the transaction may still roll back). Real PostgreSQL (embedded); the rows are
 * deleted behind the store's back to tell a cached read from a database read.
 */
class CatalogCacheIT {
    private static Blueprint blueprint(String component) {
        return new Blueprint(List.of(new Component(component, List.of("/bin/true"), List.of(), Map.of(), List.of(), null, null, 1)),
                null, null, null, null, null, null);
    }

    private static Plan plan(String name, int replicas) {
        return new Plan("svc", name, Plan.Isolation.dedicated, replicas, new Resources(64, 100), null, null, null, null, null, null, null);
    }

    private static Optional<Release> release(Store store) {
        return store.tx(tx -> tx.catalog().release("svc", "1.0.0"));
    }

    private static Optional<Plan> plan(Store store) {
        return store.tx(tx -> tx.catalog().plan("svc", "basic"));
    }

    @Test
    void committedReleasesAndPlansAreReadOnceAndRowsOfAnUncommittedTransactionNever() throws Exception {
        Path home = Files.createTempDirectory("tenantry-catalog-");
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(home.resolve("pgdata"));
             Database database = new Database(pg.jdbcUrl(), pg.user(), pg.password());
             Handle h = database.jdbi().open()) {
            Store store = new Store(database);
            store.run(tx -> tx.catalog().insertService("svc", null));

            assertThatThrownBy(() -> store.run(tx -> {
                tx.catalog().insertRelease("svc", "1.0.0", blueprint("first"));
                tx.catalog().insertPlan(plan("basic", 1));
                assertThat(tx.catalog().release("svc", "1.0.0")).as("its own insert").isPresent();
                assertThat(tx.catalog().plan("svc", "basic")).isPresent();
                throw new IllegalStateException("rolled back");
            })).hasMessage("rolled back");
            assertThat(release(store)).as("not kept from the rolled-back transaction").isEmpty();
            assertThat(plan(store)).isEmpty();

            store.run(tx -> {
                tx.catalog().insertRelease("svc", "1.0.0", blueprint("second"));
                tx.catalog().insertPlan(plan("basic", 2));
            });
            Release release = release(store).orElseThrow();
            Plan basic = plan(store).orElseThrow();
            assertThat(release.blueprint().components().getFirst().name()).isEqualTo("second");
            assertThat(basic.replicas()).isEqualTo(2);

            h.execute("delete from releases where service = 'svc'");
            h.execute("delete from plans where service = 'svc'");
            assertThat(release(store)).as("read from the cache").contains(release);
            assertThat(plan(store)).contains(basic);
            assertThat(release(new Store(database))).as("another store has a cache of its own").isEmpty();
        } finally {
            Directories.deleteTree(home);
        }
    }
}
