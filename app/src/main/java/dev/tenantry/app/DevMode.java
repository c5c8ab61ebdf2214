package dev.tenantry.app;

import dev.tenantry.agent.Agent;
import dev.tenantry.agent.driver.DriverSettings;
import dev.tenantry.api.cell.CellRegistration;
import dev.tenantry.api.model.Role;
import dev.tenantry.api.model.TokenCreate;
import dev.tenantry.gateway.Gateway;
import dev.tenantry.gateway.TrustedProxies;
import dev.tenantry.server.SecuritySettings;
import dev.tenantry.server.TenantDataSettings;
import dev.tenantry.server.store.EmbeddedPostgres;
import dev.tenantry.server.TenantryServer;
import dev.tenantry.server.domain.ApiLimits;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Dev mode: PostgreSQL (embedded unless a URL is given), the server, and one local cell (gateway +
 * agent with the process driver) in one JVM, with the example service preloaded. The same classes
 * run as separate processes in production; here they are wired together.
 */
public final class DevMode implements AutoCloseable {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(DevMode.class);
    public static final String CELL = "local";

    public record Options(Path home, String dbUrl, String dbUser, String dbPassword, String host, int apiPort, int gatewayPort,
                          int capacity, DriverSettings driver, java.time.Clock clock, TrustedProxies trustedProxies, ApiLimits apiLimits,
                          SecuritySettings security, Integer gatewayTlsPort, boolean tenantData) {
        public Options {
            trustedProxies = trustedProxies == null ? TrustedProxies.NONE : trustedProxies;
            apiLimits = apiLimits == null ? ApiLimits.DEFAULT : apiLimits;
        }

        public Options(Path home, String dbUrl, String dbUser, String dbPassword, String host, int apiPort, int gatewayPort,
                       int capacity, DriverSettings driver, java.time.Clock clock) {
            this(home, dbUrl, dbUser, dbPassword, host, apiPort, gatewayPort, capacity, driver, clock, null, null, null, null, false);
        }

        public Options(Path home, String dbUrl, String dbUser, String dbPassword, String host, int apiPort, int gatewayPort,
                       int capacity, DriverSettings driver) {
            this(home, dbUrl, dbUser, dbPassword, host, apiPort, gatewayPort, capacity, driver, null, null, null, null, null, false);
        }

        public Options withApiLimits(ApiLimits limits) {
            return new Options(home, dbUrl, dbUser, dbPassword, host, apiPort, gatewayPort, capacity, driver, clock, trustedProxies, limits,
                    security, gatewayTlsPort, tenantData);
        }

        /** The same options with these keys and audit settings (null: the key file in the home, default intervals). */
        public Options withSecurity(SecuritySettings settings) {
            return new Options(home, dbUrl, dbUser, dbPassword, host, apiPort, gatewayPort, capacity, driver, clock, trustedProxies, apiLimits,
                    settings, gatewayTlsPort, tenantData);
        }

        /** The same options with the gateway serving HTTPS on {@code port} too (0: any free port; null: no HTTPS). */
        public Options withGatewayTls(Integer port) {
            return new Options(home, dbUrl, dbUser, dbPassword, host, apiPort, gatewayPort, capacity, driver, clock, trustedProxies, apiLimits,
                    security, port, tenantData);
        }

        /**
         * The same options with (or without) a second embedded PostgreSQL for tenant data, registered as database server
         * {@code local} of the local cell's region.
         */
        public Options withTenantData(boolean on) {
            return new Options(home, dbUrl, dbUser, dbPassword, host, apiPort, gatewayPort, capacity, driver, clock, trustedProxies, apiLimits,
                    security, gatewayTlsPort, on);
        }
    }

    private final Options options;
    private HomeLock homeLock;
    private DatabaseOptions.Connection database;
    private TenantDataServer tenantData;
    private SecuritySettings security;
    private TenantryServer server;
    private Gateway gateway;
    private Agent agent;
    private HomeFiles.StoredToken adminToken;
    private String exampleRelease;
    private ExampleClassData exampleClassData;

    private DevMode(Options options) {
        this.options = options;
    }

    public static DevMode start(Options options) throws Exception {
        DevMode dev = new DevMode(options);
        try {
            dev.startAll();
        } catch (Exception | Error e) {
            dev.close();
            throw e;
        }
        return dev;
    }

    private void startAll() throws Exception {
        Path home = options.home();
        homeLock = HomeLock.acquire(home);
        security = options.security() != null ? options.security()
                : SecurityOptions.settings(home.resolve(SecurityOptions.DEFAULT_KEY_FILE), null);
        database = DatabaseOptions.Connection.open(home, options.dbUrl(), options.dbUser(), options.dbPassword());
        server = TenantryServer.startNotReady(new TenantryServer.Config(database.url(), database.user(), database.password(), options.host(),
                options.apiPort(), 4, options.clock(), options.apiLimits(), security, TenantDataSettings.backupsIn(home.resolve("backups"))));
        adminToken = HomeFiles.token(home.resolve("admin.token"), server.services().tokens(), new TokenCreate("admin", Role.admin, null, null));
        HomeFiles.write(home.resolve("api.url"), server.url());
        if (options.tenantData()) tenantData = TenantDataServer.start(home, server.services().databases(), "local");
        exampleRelease = preloadExample();
        java.time.Clock clock = options.clock() == null ? java.time.Clock.systemUTC() : options.clock();
        gateway = new Gateway(options.host(), options.gatewayPort(), options.trustedProxies(), clock);
        if (options.gatewayTlsPort() != null) gateway.withTls(options.host(), options.gatewayTlsPort());
        gateway.start();
        String endpointTemplate = "http://{host}:" + gateway.port() + "/";
        agent = new Agent(new Agent.Config(server.url(), HomeFiles.token(home.resolve("agent.token"),
                server.services().tokens(), new TokenCreate("agent of cell " + CELL, Role.agent, null, CELL)).secret(), CELL,
                new CellRegistration("local", "process", options.capacity(), "localhost", endpointTemplate),
                home.resolve("cells").resolve(CELL), agentDriver()), gateway.routes(), gateway.routes()::traffic,
                options.gatewayTlsPort() != null ? gateway.certificates()::replaceAll : null, clock).start();
        gateway.onWake(agent::wake, Gateway.DEFAULT_WAKE_TIMEOUT);
        server.metrics().register(agent.metrics());
        server.markReady();
    }

    /** The agent's settings; with tenant data it runs dedicated database servers with the embedded PostgreSQL's binaries. */
    private DriverSettings agentDriver() throws java.io.IOException {
        DriverSettings driver = options.driver();
        return options.tenantData() && driver.postgresBin() == null ? driver.withPostgresBin(EmbeddedPostgres.binaries()) : driver;
    }

    /** The example's release, or null when it could not be registered: dev mode then runs without it, and says why. */
    private String preloadExample() {
        try {
            exampleClassData = ExampleCatalog.classData(options.home());
            return ExampleCatalog.preload(server.services().catalog(), options.home(), exampleClassData);
        } catch (RuntimeException e) {
            log.error("The example service could not be registered; dev mode goes on without it: {}", e.toString(), e);
            return null;
        }
    }

    public TenantryServer server() {
        return server;
    }

    /** The directory dev mode keeps everything in. */
    public Path home() {
        return options.home();
    }

    /** How its agent runs replicas. */
    public DriverSettings driverSettings() {
        return options.driver();
    }

    public Gateway gateway() {
        return gateway;
    }

    public Agent agent() {
        return agent;
    }

    public String apiUrl() {
        return server.url();
    }

    public String adminToken() {
        return adminToken.secret();
    }

    public boolean adminTokenCreated() {
        return adminToken.created();
    }

    /**
     * Waits at most {@code wait} for the class-data cache of the example's replicas to be made, when it is being made
     * (benchmarks wait for it, so that every replica they measure starts with it); the cache file, or null when there is none.
     */
    public Path awaitExampleClassData(java.time.Duration wait) throws InterruptedException {
        if (exampleClassData == null || !exampleClassData.await(wait)) return null;
        return java.nio.file.Files.isRegularFile(exampleClassData.archive()) ? exampleClassData.archive() : null;
    }

    public String exampleRelease() {
        return exampleRelease;
    }

    /** Its keys (for a second server replica on the same database). */
    public SecuritySettings security() {
        return security;
    }

    /** Where its database is (for tests that look into it). */
    DatabaseOptions.Connection database() {
        return database;
    }

    public boolean embeddedDatabase() {
        return database != null && database.embedded() != null;
    }

    /** Stops everything in reverse order: workloads first, the database last. */
    @Override
    public void close() {
        if (exampleClassData != null) {
            try {
                exampleClassData.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (agent != null) agent.close();
        if (gateway != null) {
            try {
                gateway.close();
            } catch (Exception e) {
                log.warn("Stopping the gateway failed; stopping the rest: {}", e.toString());
            }
        }
        if (server != null) server.close();
        if (tenantData != null) tenantData.close();
        if (database != null) database.close();
        if (homeLock != null) {
            try {
                homeLock.close();
            } catch (java.io.IOException e) {
                log.warn("Releasing the home's lock failed (the process's end releases it): {}", e.toString());
            }
        }
    }
}
