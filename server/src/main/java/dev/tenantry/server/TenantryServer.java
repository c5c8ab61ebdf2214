package dev.tenantry.server;

import dev.tenantry.api.model.Role;
import dev.tenantry.api.model.Token;
import dev.tenantry.api.model.TokenCreate;
import dev.tenantry.server.domain.AuditService;
import dev.tenantry.server.domain.CatalogService;
import dev.tenantry.server.domain.CellService;
import dev.tenantry.server.domain.EventService;
import dev.tenantry.server.domain.InstanceService;
import dev.tenantry.server.domain.Services;
import dev.tenantry.server.domain.Signals;
import dev.tenantry.server.domain.TenantService;
import dev.tenantry.server.domain.TokenService;
import dev.tenantry.server.http.ApiServer;
import dev.tenantry.server.reconcile.InstanceReconciler;
import dev.tenantry.server.reconcile.ReconcileLoop;
import dev.tenantry.server.store.Database;
import dev.tenantry.server.store.Store;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;

/** The control plane: store, domain services, reconcilers and the REST API, wired together. */
public final class TenantryServer implements AutoCloseable {
    public record Config(String jdbcUrl, String dbUser, String dbPassword, String apiHost, int apiPort, int reconcileWorkers) {}

    private final Database database;
    private final Signals signals;
    private final Services services;
    private final ReconcileLoop reconcileLoop;
    private final ApiServer api;
    private final String url;

    private TenantryServer(Config config) {
        Clock clock = Clock.systemUTC();
        this.database = new Database(config.jdbcUrl(), config.dbUser(), config.dbPassword());
        Store store = new Store(database);
        this.signals = new Signals();
        this.services = new Services(new CatalogService(store, clock), new TenantService(store), new InstanceService(store, signals, clock),
                new CellService(store, signals), new TokenService(store, clock), new AuditService(store), new EventService(store, signals));
        this.reconcileLoop = new ReconcileLoop(store, signals, new InstanceReconciler(store, signals, clock)).start(config.reconcileWorkers());
        this.api = new ApiServer(services).start(config.apiHost(), config.apiPort());
        this.url = "http://" + ("0.0.0.0".equals(config.apiHost()) ? "127.0.0.1" : config.apiHost()) + ":" + api.port();
    }

    public static TenantryServer start(Config config) {
        return new TenantryServer(config);
    }

    public Services services() {
        return services;
    }

    public ApiServer api() {
        return api;
    }

    /** The base URL of the API, e.g. {@code http://127.0.0.1:7070}. */
    public String url() {
        return url;
    }

    /**
     * Returns the admin token stored in {@code file} if it is still valid; otherwise issues a new admin
     * token and writes it there (owner-only permissions). {@code created} tells the caller which happened.
     */
    public AdminToken ensureAdminToken(Path file) throws IOException {
        if (Files.exists(file)) {
            String existing = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (services.tokens().authenticate(existing).isPresent()) return new AdminToken(existing, false);
        }
        Token token = services.tokens().issue(new TokenCreate("admin", Role.admin, null, null));
        Files.createDirectories(file.getParent());
        Path tmp = Files.createTempFile(file.getParent(), ".admin-token", ".tmp");
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        Files.writeString(tmp, token.secret() + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return new AdminToken(token.secret(), true);
    }

    public record AdminToken(String secret, boolean created) {}

    @Override
    public void close() {
        signals.close();
        api.close();
        reconcileLoop.close();
        database.close();
    }
}
