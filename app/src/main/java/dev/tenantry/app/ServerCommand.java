package dev.tenantry.app;

import dev.tenantry.cli.ClientOptions;
import dev.tenantry.api.model.Role;
import dev.tenantry.api.model.TokenCreate;
import dev.tenantry.server.TenantDataSettings;
import dev.tenantry.server.TenantryServer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "server", mixinStandardHelpOptions = true,
        description = "Run the control plane (API, reconcilers) alone; agents connect to it from their cells.")
final class ServerCommand implements Callable<Integer> {
    @Option(names = "--home", description = "Data directory (env TENANTRY_HOME, default ~/.tenantry; as root /var/lib/tenantry)")
    Path home;

    @Mixin
    DatabaseOptions database;

    @Option(names = "--host", defaultValue = "127.0.0.1") String host;

    @Option(names = "--api-port", defaultValue = "7070") int apiPort;

    @Option(names = "--workers", defaultValue = "4", description = "Reconcile worker threads (default: ${DEFAULT-VALUE})")
    int workers;

    @Mixin
    ApiLimitOptions limits;

    @Mixin
    SecurityOptions security;

    @picocli.CommandLine.Option(names = "--agent-tokens", description = "Accept agents' bearer tokens too (a fallback: agents should join with"
            + " mutual TLS, which needs --api-tls-port; default: refused)")
    boolean agentTokens;

    @Option(names = "--backup-dir", description = "Where tenant database backups are kept, encrypted (default: backups/ in the home)")
    Path backupDir;

    @Option(names = "--database-workers", defaultValue = "20", description = "Tenant databases provisioned, migrated or restored at a time"
            + " (default: ${DEFAULT-VALUE})")
    int databaseWorkers;

    @picocli.CommandLine.Mixin
    LogFormat logFormat;

    @Option(names = "--admin-token-file", paramLabel = "FILE", description = "The bootstrap admin token: if the file exists, the token in it"
            + " (registered if the database does not know it, so that replicas can share one from a secret store); else a new one is"
            + " written there (default: admin.token in the home). Never printed.")
    Path adminTokenFile;

    @Mixin
    RetentionOptions retention;

    @Mixin
    TuningOptions tuning;

    @Option(names = "--no-admin-token", description = "Make no bootstrap admin token")
    boolean noAdminToken;

    @Override
    public Integer call() throws Exception {
        logFormat.apply();
        // bad settings stop the start before anything is opened
        var retentionSettings = retention.toRetention();
        var tuningSettings = tuning.toTuning();
        Path dir = (home != null ? home : ClientOptions.home()).toAbsolutePath();
        DatabaseOptions.Connection db = DatabaseOptions.Connection.open(dir, database.url(), database.user(), database.password());
        TenantryServer server = TenantryServer.start(new TenantryServer.Config(db.url(), db.user(), db.password(), host, apiPort, workers, null,
                limits.toApiLimits(), security.toSettings(dir).withAgentTokens(agentTokens),
                new TenantDataSettings(databaseWorkers, 0, backupDir != null ? backupDir : dir.resolve("backups")), retentionSettings, tuningSettings));
        String admin = "";
        if (!noAdminToken) {
            Path file = adminTokenFile != null ? adminTokenFile : dir.resolve("admin.token");
            HomeFiles.StoredToken token = HomeFiles.adoptedToken(file, server.services().tokens(), new TokenCreate("admin", Role.admin, null, null));
            admin = token.created() ? "; a new admin token is in " + file : "; admin token in " + file;
        }
        String tls = server.tlsUrl();
        if (tls != null) {
            HomeFiles.write(dir.resolve("api-tls.url"), tls);
        }
        // last: whoever waits for api.url finds the admin token and the HTTPS URL written already
        HomeFiles.write(dir.resolve("api.url"), server.url());
        System.out.println("Tenantry server listening on " + server.url() + (tls != null ? " and " + tls : "") + admin);
        UntilStopped.await(server::close, db::close);
        return 0;
    }
}
