package dev.tenantry.app;

import dev.tenantry.api.model.DatabaseServerCreate;
import dev.tenantry.server.domain.DatabaseService;
import dev.tenantry.server.domain.Principal;
import dev.tenantry.server.store.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Dev mode's PostgreSQL for tenant data, apart from the control plane's own (its data under {@code tenant-data/} in
 * the home), registered as database server {@value #NAME} for the local cell's region.
 */
final class TenantDataServer implements AutoCloseable {
    static final String NAME = "local";
    private final EmbeddedPostgres postgres;

    private TenantDataServer(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    static TenantDataServer start(Path home, DatabaseService databases, String region) throws IOException {
        EmbeddedPostgres postgres = EmbeddedPostgres.start(home.resolve("tenant-data").resolve("pgdata"));
        try {
            databases.ensureRegistered(Principal.SYSTEM, new DatabaseServerCreate(NAME, region, null, "127.0.0.1", postgres.port(),
                    postgres.user(), postgres.password(), null));
            return new TenantDataServer(postgres);
        } catch (RuntimeException e) {
            postgres.close();
            throw e;
        }
    }

    @Override
    public void close() {
        postgres.close();
    }
}
