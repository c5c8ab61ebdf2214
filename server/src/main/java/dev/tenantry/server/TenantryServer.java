package dev.tenantry.server;

import dev.tenantry.server.metrics.ServerMetrics;
import dev.tenantry.server.domain.LogRelay;
import dev.tenantry.server.domain.ApiLimits;
import dev.tenantry.server.domain.AuditService;
import dev.tenantry.server.domain.RateLimits;
import dev.tenantry.server.domain.CatalogService;
import dev.tenantry.server.domain.CellService;
import dev.tenantry.server.domain.EventService;
import dev.tenantry.server.domain.Health;
import dev.tenantry.server.domain.InstanceService;
import dev.tenantry.server.domain.RolloutService;
import dev.tenantry.server.domain.Services;
import dev.tenantry.server.signals.Signals;
import dev.tenantry.server.domain.TenantService;
import dev.tenantry.server.domain.TokenService;
import dev.tenantry.server.http.ApiServer;
import dev.tenantry.server.keys.AuditSigningKey;
import dev.tenantry.server.keys.SecretBox;
import dev.tenantry.server.keys.StoredKeysets;
import dev.tenantry.server.domain.SecretService;
import dev.tenantry.server.domain.CertificateService;
import dev.tenantry.server.domain.AgentIdentityService;
import dev.tenantry.server.domain.CustomDomainService;
import dev.tenantry.server.pki.CertificateAuthorities;
import dev.tenantry.server.pki.RenewingCertificate;
import dev.tenantry.server.pki.UploadedCertificate;
import dev.tenantry.server.reconcile.InstanceReconciler;
import dev.tenantry.server.reconcile.DatabaseReconciler;
import dev.tenantry.server.domain.DatabaseService;
import dev.tenantry.server.domain.BackupService;
import dev.tenantry.server.keys.BackupCipher;
import dev.tenantry.server.reconcile.BackupReconciler;
import dev.tenantry.server.store.ServerKeyRepository;
import dev.tenantry.server.tenantdb.BackupFiles;
import dev.tenantry.server.tenantdb.DirectoryBackupStore;
import dev.tenantry.server.reconcile.ReconcileLoop;
import dev.tenantry.server.reconcile.RolloutReconciler;
import dev.tenantry.server.store.Database;
import dev.tenantry.server.store.Store;
import dev.tenantry.server.timers.Timers;
import java.time.Clock;

/** The control plane: store, domain services, reconcilers and the REST API, wired together. */
public final class TenantryServer implements AutoCloseable {
    /**
     * {@code clock}: the time every decision is made at (bakes, windows, retention, token expiry); tests move it forward.
     * {@code tenantData}: how tenant databases are worked on and where their backups go (null: {@link TenantDataSettings#DEFAULT}).
     */
    public record Config(String jdbcUrl, String dbUser, String dbPassword, String apiHost, int apiPort, int reconcileWorkers, Clock clock,
                         ApiLimits limits, SecuritySettings security, TenantDataSettings tenantData, dev.tenantry.server.domain.Retention retention,
                         ServerTuning tuning) {
        public Config {
            clock = clock == null ? Clock.systemUTC() : clock;
            limits = limits == null ? ApiLimits.DEFAULT : limits;
            java.util.Objects.requireNonNull(security, "security");
            tenantData = tenantData == null ? TenantDataSettings.DEFAULT : tenantData;
            retention = retention == null ? dev.tenantry.server.domain.Retention.DEFAULT : retention;
            tuning = tuning == null ? ServerTuning.DEFAULT : tuning;
        }

        public Config(String jdbcUrl, String dbUser, String dbPassword, String apiHost, int apiPort, int reconcileWorkers, Clock clock,
                      ApiLimits limits, SecuritySettings security, TenantDataSettings tenantData) {
            this(jdbcUrl, dbUser, dbPassword, apiHost, apiPort, reconcileWorkers, clock, limits, security, tenantData, null, null);
        }

        public Config withRetention(dev.tenantry.server.domain.Retention retention) {
            return new Config(jdbcUrl, dbUser, dbPassword, apiHost, apiPort, reconcileWorkers, clock, limits, security, tenantData, retention, tuning);
        }

        public Config withTuning(ServerTuning tuning) {
            return new Config(jdbcUrl, dbUser, dbPassword, apiHost, apiPort, reconcileWorkers, clock, limits, security, tenantData, retention, tuning);
        }

        public Config(String jdbcUrl, String dbUser, String dbPassword, String apiHost, int apiPort, int reconcileWorkers, Clock clock,
                      ApiLimits limits, SecuritySettings security) {
            this(jdbcUrl, dbUser, dbPassword, apiHost, apiPort, reconcileWorkers, clock, limits, security, null);
        }
    }

    private final Database database;
    private final Signals signals;
    private final dev.tenantry.server.signals.ReplicaSignals replicaSignals;
    private final Services services;
    private final ReconcileLoop reconcileLoop;
    private final InstanceReconciler instanceReconciler;
    private final ReconcileLoop rolloutLoop;
    private final ReconcileLoop databaseLoop;
    private final ReconcileLoop backupLoop;
    private final ReconcileLoop webhookLoop;
    /** Subscriptions delivered to at a time (each waits up to the sender's timeout for a slow subscriber). */
    public static final int WEBHOOK_WORKERS = 4;
    private final Timers timers;
    private final ApiServer api;
    private final ServerMetrics metrics;
    private final String url;
    private final Config config;

    private TenantryServer(Config config) {
        this.config = config;
        Clock clock = config.clock();
        SecuritySettings.ApiTls apiTls = config.security().apiTls();
        // checked before anything is opened: a bad certificate stops the start with nothing to close
        RenewingCertificate providedApiCertificate = apiTls == null || apiTls.provided() == null ? null
                : RenewingCertificate.provided(UploadedCertificate.check(apiTls.names().getFirst(), apiTls.provided().certificatePem(),
                        apiTls.provided().keyPem(), Clock.systemUTC().instant()));
        ServerTuning tuning = config.tuning();
        this.database = new Database(config.jdbcUrl(), config.dbUser(), config.dbPassword(), tuning.databasePool());
        Store store = new Store(database, tuning.cellOnlineWindow());
        this.signals = new Signals();
        // first: it tells a wrong key-encryption key apart, and closes the pool then
        AuditService audit = openAudit(store, config, database);
        SecretBox box = new SecretBox(config.security().keyEncryptionKey());
        SecretService secrets = new SecretService(store, box, signals, clock);
        // certificates carry real time whatever the server decides by: TLS clients check them against their own clocks
        Clock realTime = Clock.systemUTC();
        CertificateService certificates = new CertificateService(CertificateAuthorities.loadOrCreate(store, box, realTime.instant()), store, signals,
                realTime, config.security().certificateLifetime());
        InstanceService instances = new InstanceService(store, signals, clock, secrets, tuning.createBatch());
        var webhookSender = new dev.tenantry.server.webhooks.WebhookSender();
        DatabaseService databaseService = new DatabaseService(store, secrets, instances);
        TokenService tokens = new TokenService(store, clock, tuning.tokenCache());
        AgentIdentityService agents = new AgentIdentityService(store, tokens, certificates.authority(), clock, realTime,
                config.security().certificateLifetime());
        this.services = new Services(new CatalogService(store, clock), new TenantService(store, signals), instances,
                new CellService(store, signals), tokens, audit, new EventService(store, signals),
                new RolloutService(store, signals, clock), new Health(store), secrets, certificates, agents,
                new CustomDomainService(store, box, signals, realTime), databaseService,
                new BackupService(store, instances, signals, clock), new LogRelay(store, instances, signals, tuning.cellOnlineWindow()), new dev.tenantry.server.domain.AlertService(store, signals, clock),
                new dev.tenantry.server.domain.WebhookService(store, box, webhookSender, signals, clock),
                new dev.tenantry.server.domain.UsageService(store, databaseService, clock),
                new dev.tenantry.server.domain.IdempotentRequests(store, box, clock));
        BackupFiles backupFiles = new BackupFiles(new DirectoryBackupStore(config.tenantData().backupDirectory()),
                new BackupCipher(config.security().keyEncryptionKey()));
        ReconcileLoop.Claims claims = new ReconcileLoop.Claims(tuning.lease(), tuning.claimBatch());
        this.instanceReconciler = new InstanceReconciler(store, signals, clock, services.databases(), tuning.resync());
        this.reconcileLoop = new ReconcileLoop(store, signals, instanceReconciler, claims).start(config.reconcileWorkers());
        // a replica that runs no reconcilers leaves every pass to those that do
        if (config.reconcileWorkers() > 0) {
            instances.runFirstPassWith(instanceReconciler::passCreated);
            services.cells().runReportPassesWith(instanceReconciler::passReported);
        }
        this.rolloutLoop = new ReconcileLoop(store, signals, new RolloutReconciler(store, signals, clock, instances), claims).start(1);
        this.databaseLoop = new ReconcileLoop(store, signals, new DatabaseReconciler(store, services.databases(), backupFiles, signals),
                claims.withLease(config.tenantData().lease()))
                .start(config.tenantData().workers());
        this.backupLoop = new ReconcileLoop(store, signals, new BackupReconciler(store, services.databases(), backupFiles, signals, clock),
                claims.withLease(config.tenantData().lease()))
                .start(config.tenantData().backupWorkers());
        this.webhookLoop = new ReconcileLoop(store, signals, new dev.tenantry.server.reconcile.WebhookReconciler(store, box, webhookSender, clock), claims)
                .start(WEBHOOK_WORKERS);
        this.timers = Timers.start(database.dataSource(), store, services, clock, config.security().auditCheckpointInterval(),
                new dev.tenantry.server.domain.RetentionService(store, audit, clock, config.retention()));
        this.replicaSignals = dev.tenantry.server.signals.ReplicaSignals.start(config.jdbcUrl(), config.dbUser(), config.dbPassword(), signals);
        this.metrics = new ServerMetrics(store, database.pool());
        this.api = new ApiServer(services, new RateLimits(config.limits()), apiTls == null ? null : apiTls.port(), apiTls == null ? null
                : providedApiCertificate != null ? providedApiCertificate
                : new RenewingCertificate(certificates.authority(), apiTls.names(), config.security().certificateLifetime(), realTime),
                config.security().agentTokens(), metrics)
                .start(config.apiHost(), config.apiPort());
        this.url = "http://" + ("0.0.0.0".equals(config.apiHost()) ? "127.0.0.1" : config.apiHost()) + ":" + api.port();
    }

    /** The audit trail, its signing key read with the key-encryption key (a wrong key stops the start here, with the pool closed). */
    private static AuditService openAudit(Store store, Config config, Database database) {
        AuditService audit = null;
        try {
            StoredKeysets keysets = new StoredKeysets((name, created) -> ServerKeyRepository.getOrInsert(store, name, created),
                    config.security().keyEncryptionKey());
            audit = new AuditService(store, AuditSigningKey.load(keysets), config.clock());
            audit.chainRecordsFromBefore();
            return audit;
        } catch (RuntimeException e) {
            if (audit != null) audit.close();
            database.close();
            throw e;
        }
    }

    /** A server whose {@code /readyz} answers 200 as soon as it is started. */
    public static TenantryServer start(Config config) {
        TenantryServer server = new TenantryServer(config);
        server.markReady();
        return server;
    }

    /** A server that serves the API but answers {@code /readyz} with 503 until {@link #markReady()} (its embedder's own start is not over). */
    public static TenantryServer startNotReady(Config config) {
        return new TenantryServer(config);
    }

    public void markReady() {
        api.markReady();
    }

    /** Its metrics ({@code GET /metrics}); an embedder adds its own collectors (dev mode: the agent's). */
    public ServerMetrics metrics() {
        return metrics;
    }

    public Services services() {
        return services;
    }

    /**
     * How many reconcile passes over instances this server replica ran since it started, in its workers and in agents'
     * reports (not the first pass of each create, which runs in the create).
     */
    public long reconcilePasses() {
        return reconcileLoop.passes() + instanceReconciler.passesInReports();
    }

    /** How many of {@link #reconcilePasses} ran in agents' reports, in the report's transaction. */
    public long passesInReports() {
        return instanceReconciler.passesInReports();
    }

    public ApiServer api() {
        return api;
    }

    /** The base URL of the API over HTTPS (its first name), or null without HTTPS. */
    public String tlsUrl() {
        SecuritySettings.ApiTls tls = config.security().apiTls();
        return tls == null ? null : "https://" + tls.names().getFirst() + ":" + api.tlsPort();
    }

    /** The base URL of the API, e.g. {@code http://127.0.0.1:7070}. */
    public String url() {
        return url;
    }

    @Override
    public void close() {
        replicaSignals.close();
        signals.close();
        api.close();
        services.audit().close();
        rolloutLoop.close();
        databaseLoop.close();
        backupLoop.close();
        webhookLoop.close();
        reconcileLoop.close();
        timers.close();
        database.close();
    }
}
