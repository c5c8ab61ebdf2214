package dev.tenantry.app;

import dev.tenantry.gateway.TrustedProxies;
import dev.tenantry.agent.driver.DriverSettings;
import dev.tenantry.cli.ClientOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "up", mixinStandardHelpOptions = true,
        description = "Dev mode: server, one local cell (agent + gateway) and embedded PostgreSQL in one process, with the example service.")
final class UpCommand implements Callable<Integer> {
    @Option(names = "--home", description = "Data directory (env TENANTRY_HOME, default ~/.tenantry; as root /var/lib/tenantry)")
    Path home;

    @Mixin
    DatabaseOptions database;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to listen on (default: ${DEFAULT-VALUE})")
    String host;

    @Option(names = "--api-port", defaultValue = "7070", description = "API port (default: ${DEFAULT-VALUE})")
    int apiPort;

    @Option(names = "--gateway-port", defaultValue = "8080", description = "Gateway port for tenant traffic (default: ${DEFAULT-VALUE})")
    int gatewayPort;

    @Option(names = "--gateway-tls-port", description = "Serve HTTPS on this port too, with certificates from the internal CA"
            + " (GET /v1/ca) for each instance's host name; 0: any free port (default: no HTTPS)")
    Integer gatewayTlsPort;

    @Option(names = "--capacity", defaultValue = "100", description = "Instances the local cell takes (default: ${DEFAULT-VALUE})")
    int capacity;

    @Option(names = "--workload-nice", defaultValue = "10", description = "CPU niceness of workload processes, 0-19 (default: ${DEFAULT-VALUE})")
    int workloadNice;

    @Option(names = "--usage-interval-seconds", defaultValue = "60", description = "How often the instances' usage is metered (default: ${DEFAULT-VALUE})")
    long usageIntervalSeconds;

    @Option(names = "--stop-grace-seconds", defaultValue = "10", description = "SIGTERM-to-SIGKILL grace when stopping workloads (default: ${DEFAULT-VALUE})")
    int stopGrace;

    @Option(names = "--start-concurrency", description = "Replicas the cell starts at once, the others wait their turn; 0: no limit"
            + " (default: one per core)")
    Integer startConcurrency;

    @Option(names = "--trusted-proxies", split = ",", paramLabel = "CIDR",
            description = "Proxies in front of the gateway whose X-Forwarded-*/Forwarded headers it keeps (addresses or CIDR blocks;"
                    + " default: none, a client's own are replaced)")
    java.util.List<String> trustedProxies = java.util.List.of();

    @picocli.CommandLine.Mixin
    ApiLimitOptions limits;

    @Mixin
    SecurityOptions security;

    @picocli.CommandLine.Mixin
    LogFormat logFormat;

    @Override
    public Integer call() throws Exception {
        logFormat.apply();
        Path dir = home != null ? home : ClientOptions.home();
        DevMode dev = DevMode.start(new DevMode.Options(dir.toAbsolutePath(), database.url(), database.user(), database.password(), host,
                apiPort, gatewayPort, capacity,
                new DriverSettings(Duration.ofSeconds(stopGrace), workloadNice).withStartConcurrency(startConcurrency)
                        .withUsageInterval(Duration.ofSeconds(usageIntervalSeconds)), null,
                TrustedProxies.of(trustedProxies), limits.toApiLimits(), security.toSettings(dir.toAbsolutePath()), gatewayTlsPort, true));
        printBanner(dev, dir);
        UntilStopped.await(() -> System.out.println("Stopping Tenantry…"), dev::close);
        return 0;
    }

    /** The banner, written at once: a reader of the output (a log file, a test) never sees half of it. */
    private void printBanner(DevMode dev, Path dir) {
        List<String> banner = new java.util.ArrayList<>();
        String gw = "http://web.acme.localhost:" + dev.gateway().port() + "/";
        banner.add("");
        banner.add("Tenantry is up (dev mode).");
        banner.add("  API        " + dev.apiUrl() + "   (reference: " + dev.apiUrl() + "/docs)"
                + (dev.server().tlsUrl() != null ? "  and " + dev.server().tlsUrl() : ""));
        banner.add("  gateway    http://{instance}.{tenant}.localhost:" + dev.gateway().port() + "/"
                + (dev.gateway().tlsPort() > 0 ? "  and https://…:" + dev.gateway().tlsPort() + "/ (CA: " + dev.apiUrl() + "/v1/ca)" : ""));
        banner.add("  database   " + (dev.embeddedDatabase() ? "embedded PostgreSQL 18, data in " + dir.resolve("postgres") : "external"));
        banner.add("  tenant data  embedded PostgreSQL 18 (database server 'local'), data in " + dir.resolve("tenant-data"));
        banner.add("  home       " + dir);
        if (dev.adminTokenCreated()) {
            banner.add("  admin token (created now, saved to " + dir.resolve("admin.token") + "):");
            banner.add("    " + dev.adminToken());
        } else {
            banner.add("  admin token in " + dir.resolve("admin.token"));
        }
        banner.add(dev.exampleRelease() == null ? "  example    not registered (see the error above)"
                : "  example    service 'hello' (release " + dev.exampleRelease() + "), plan 'starter'\n"
                + "             service 'notes' (a database per tenant: releases 1.0.0 and 1.1.0), plans 'shared', 'schema', 'database'");
        banner.add("");
        banner.add("Try, in another terminal:");
        banner.add("  ./tenantry tenants create acme");
        banner.add("  ./tenantry instances create acme web --service hello --plan starter --wait");
        banner.add("  curl " + gw);
        banner.add("Press Ctrl-C to stop (running instances are stopped too).");
        System.out.print(String.join("\n", banner) + "\n");
        System.out.flush();
    }
}
