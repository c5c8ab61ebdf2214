package dev.tenantry.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.agent.driver.DriverSettings;
import dev.tenantry.server.store.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Dev mode on a PostgreSQL it did not start (--db-url): it creates the schema there and keeps its data there. */
class ExternalDatabaseIT {
    @TempDir
    Path dir;

    @Test
    void devModeUsesTheGivenDatabaseAndItsDataSurvivesARestart() throws Exception {
        try (EmbeddedPostgres external = EmbeddedPostgres.start(dir.resolve("external-pg"))) {
            Path home = dir.resolve("home");
            DevMode.Options options = new DevMode.Options(home, external.jdbcUrl(), external.user(), external.password(), "127.0.0.1", 0, 0, 10,
                    new DriverSettings(Duration.ofSeconds(2), 10));
            try (DevMode dev = DevMode.start(options)) {
                assertThat(dev.embeddedDatabase()).isFalse();
                dev.server().services().tenants().create(dev.server().services().tokens().authenticate(dev.adminToken()).orElseThrow(),
                        new dev.tenantry.api.model.TenantCreate("persisted", "Persisted Ltd"));
            }
            assertThat(Files.exists(home.resolve("postgres"))).as("no embedded database was started").isFalse();
            try (DevMode again = DevMode.start(options)) {
                var admin = again.server().services().tokens().authenticate(again.adminToken()).orElseThrow();
                assertThat(again.server().services().tenants().get(admin, "persisted").name()).isEqualTo("Persisted Ltd");
                assertThat(again.adminTokenCreated()).as("the admin token of the first start is still valid").isFalse();
            }
        }
    }
}
