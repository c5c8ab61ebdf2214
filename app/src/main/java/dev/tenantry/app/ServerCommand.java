package dev.tenantry.app;

import dev.tenantry.cli.ClientOptions;
import dev.tenantry.server.TenantryServer;
import dev.tenantry.server.store.EmbeddedPostgres;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "server", mixinStandardHelpOptions = true,
        description = "Run the control plane (API, reconcilers) alone; agents connect to it from their cells.")
final class ServerCommand implements Callable<Integer> {
    @Option(names = "--home", description = "Data directory (env TENANTRY_HOME, default ~/.tenantry)")
    Path home;

    @Option(names = "--db-url", description = "PostgreSQL JDBC URL (env TENANTRY_DB_URL); embedded PostgreSQL when absent")
    String dbUrl;

    @Option(names = "--db-user") String dbUser;
    @Option(names = "--db-password") String dbPassword;

    @Option(names = "--host", defaultValue = "127.0.0.1") String host;

    @Option(names = "--api-port", defaultValue = "7070") int apiPort;

    @Option(names = "--workers", defaultValue = "2", description = "Reconcile worker threads (default: ${DEFAULT-VALUE})")
    int workers;

    @Override
    public Integer call() throws Exception {
        Path dir = (home != null ? home : ClientOptions.home()).toAbsolutePath();
        String url = dbUrl != null ? dbUrl : System.getenv("TENANTRY_DB_URL");
        String user = dbUser != null ? dbUser : System.getenv("TENANTRY_DB_USER");
        String password = dbPassword != null ? dbPassword : System.getenv("TENANTRY_DB_PASSWORD");
        EmbeddedPostgres postgres = null;
        if (url == null) {
            postgres = EmbeddedPostgres.start(dir.resolve("postgres"));
            url = postgres.jdbcUrl();
            user = postgres.user();
            password = postgres.password();
        }
        TenantryServer server = TenantryServer.start(new TenantryServer.Config(url, user, password, host, apiPort, workers));
        TenantryServer.AdminToken token = server.ensureAdminToken(dir.resolve("admin.token"));
        System.out.println("Tenantry server listening on " + server.url() + (token.created() ? "; admin token: " + token.secret()
                : "; admin token in " + dir.resolve("admin.token")));
        EmbeddedPostgres db = postgres;
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            if (db != null) db.close();
            stopped.countDown();
        }, "shutdown"));
        stopped.await();
        return 0;
    }
}
