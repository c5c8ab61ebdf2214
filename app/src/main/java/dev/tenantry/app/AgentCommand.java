package dev.tenantry.app;

import dev.tenantry.agent.Agent;
import dev.tenantry.agent.AgentIdentity;
import dev.tenantry.api.TrustedCa;
import dev.tenantry.agent.TrafficFile;
import dev.tenantry.agent.driver.DriverSettings;
import dev.tenantry.api.cell.CellRegistration;
import dev.tenantry.gateway.Gateway;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "agent", mixinStandardHelpOptions = true,
        description = "Run the agent of one cell, with its gateway beside it (or, with --gateway-url, a gateway of its own: tenantry gateway)."
                + " It connects out to the server; nothing connects in.")
final class AgentCommand implements Callable<Integer> {
    @Option(names = "--server", required = true, description = "Server URL, e.g. http://10.0.0.5:7070")
    String server;

    @Option(names = "--token", description = "Agent token of this cell (env TENANTRY_AGENT_TOKEN); without one the agent uses mutual TLS")
    String token;

    @Option(names = "--join-token", description = "One-time join token of this cell (tenantry cells join-token CELL; env TENANTRY_JOIN_TOKEN):"
            + " exchanged for a client certificate kept in WORK-DIR/identity, with which the agent calls the server over mutual TLS")
    String joinToken;

    @Option(names = "--server-ca", paramLabel = "FILE", description = "The server's CA certificate (GET /v1/ca), for an https --server")
    Path serverCa;

    @Option(names = "--cell", required = true, description = "The cell this agent serves")
    String cell;

    @Option(names = "--region", defaultValue = "local") String region;

    @Option(names = "--capacity", defaultValue = "100") int capacity;

    @Option(names = "--work-dir", required = true, description = "Where workloads, logs and the desired-state cache live")
    Path workDir;

    @Option(names = "--gateway-host", defaultValue = "127.0.0.1") String gatewayHost;

    @Option(names = "--gateway-port", defaultValue = "8080") int gatewayPort;

    @Option(names = "--gateway-threads", paramLabel = "N", defaultValue = "" + Gateway.DEFAULT_THREADS,
            description = "Requests the cell's gateway serves at a time (default: ${DEFAULT-VALUE})")
    int gatewayThreads;

    @Option(names = "--long-poll-seconds", paramLabel = "SECONDS", defaultValue = "25",
            description = "How long one request for the desired state waits for a change; keep it below the idle timeout of proxies"
                    + " between agent and server (default: ${DEFAULT-VALUE})")
    int longPollSeconds;

    @Option(names = "--heartbeat-seconds", paramLabel = "SECONDS", defaultValue = "10",
            description = "How often the agent looks at every instance and reports, even when nothing changed; well below the"
                    + " server's --cell-online-seconds (default: ${DEFAULT-VALUE})")
    int heartbeatSeconds;

    @Option(names = "--full-report-seconds", paramLabel = "SECONDS", defaultValue = "300",
            description = "How often a report lists every instance rather than what changed since the last one (also after the"
                    + " agent starts and after a failed report); at least --heartbeat-seconds (default: ${DEFAULT-VALUE})")
    int fullReportSeconds;

    @Option(names = "--gateway-tls-port", description = "Serve HTTPS on this port too, with a certificate from the server's CA for each"
            + " instance's host name (SNI), renewed at two thirds of its life (0: any free port; default: no HTTPS)")
    Integer gatewayTlsPort;

    @Option(names = "--wake-timeout-seconds", defaultValue = "30",
            description = "How long the gateway holds a request for a hibernated instance while it wakes (default 30)")
    int wakeTimeout;

    @Option(names = "--gateway-url", description = "URL of a gateway in its own process (tenantry gateway --routes-file WORK-DIR/routes.json);"
            + " no gateway is started here")
    String gatewayUrl;

    @Option(names = "--base-domain", defaultValue = "localhost", description = "Instances are served at {instance}.{tenant}.{base-domain}")
    String baseDomain;

    @Option(names = "--stop-grace-seconds", defaultValue = "10") int grace;

    @Option(names = "--workload-nice", defaultValue = "10", description = "CPU niceness of workload processes, 0-19") int workloadNice;

    @Option(names = "--start-concurrency", description = "Replicas the cell starts at once, the others wait their turn; 0: no limit"
            + " (default: one per core)")
    Integer startConcurrency;

    @Option(names = "--postgres-bin", paramLabel = "DIR", description = "PostgreSQL binaries (initdb, postgres) for the dedicated database"
            + " servers of this cell (default: the bundled ones)")
    Path postgresBin;

    @Option(names = "--log-limit-mb", defaultValue = "10", description = "A replica's log is rotated past this size (one old log is kept)")
    long logLimitMb;

    @Option(names = "--usage-interval-seconds", defaultValue = "60", description = "How often the instances' usage is metered (default: 60)")
    long usageIntervalSeconds;

    @Option(names = "--metrics-port", description = "Serve the cell's per-instance metrics (Prometheus) at /metrics on this port (default: none)")
    Integer metricsPort;

    @Option(names = "--metrics-host", defaultValue = "127.0.0.1", description = "Where --metrics-port listens")
    String metricsHost;

    @Option(names = "--database-address", paramLabel = "HOST", description = "The address of this host at which the control plane reaches"
            + " the cell's dedicated database servers (default: none; they listen on 127.0.0.1 only)")
    String databaseAddress;

    @picocli.CommandLine.Mixin
    LogFormat logFormat;

    @Override
    public Integer call() throws Exception {
        logFormat.apply();
        if (longPollSeconds < 1 || longPollSeconds > 300) throw new IllegalArgumentException("--long-poll-seconds must be between 1 and 300, not " + longPollSeconds);
        if (heartbeatSeconds < 1 || heartbeatSeconds > 300) throw new IllegalArgumentException("--heartbeat-seconds must be between 1 and 300, not " + heartbeatSeconds);
        if (fullReportSeconds < heartbeatSeconds || fullReportSeconds > 86_400) {
            throw new IllegalArgumentException("--full-report-seconds must be between --heartbeat-seconds (" + heartbeatSeconds + ") and 86400, not "
                    + fullReportSeconds);
        }
        if (gatewayThreads < 8 || gatewayThreads > 10_000) throw new IllegalArgumentException("--gateway-threads must be between 8 and 10000, not " + gatewayThreads);
        String secret = token != null ? token : System.getenv("TENANTRY_AGENT_TOKEN");
        String join = joinToken != null ? joinToken : System.getenv("TENANTRY_JOIN_TOKEN");
        javax.net.ssl.SSLContext tls = null;
        AgentIdentity identity = null;
        if (secret == null) {
            if (serverCa == null) {
                throw new IllegalArgumentException("give --server-ca and a join token (--join-token) for mutual TLS, or an agent token (--token)");
            }
            identity = AgentIdentity.loadOrJoin(workDir.toAbsolutePath().resolve("identity"), server, cell, join,
                    TrustedCa.trustManagers(serverCa), java.time.Clock.systemUTC()).renewing(java.time.Clock.systemUTC(), Duration.ofMinutes(1));
            tls = identity.context();
        } else if (serverCa != null) {
            tls = TrustedCa.context(serverCa);
        }
        Gateway gateway = gatewayUrl == null ? new Gateway(gatewayHost, gatewayPort, dev.tenantry.gateway.TrustedProxies.NONE,
                java.time.Clock.systemUTC(), gatewayThreads) : null;
        if (gateway != null && gatewayTlsPort != null) gateway.withTls(gatewayHost, gatewayTlsPort);
        if (gateway != null) gateway.start();
        String endpoint = gateway != null ? "http://{host}:" + gateway.port() + "/" : endpointTemplate(gatewayUrl);
        Agent agent = new Agent(new Agent.Config(server, secret, cell,
                new CellRegistration(region, "process", capacity, baseDomain, endpoint, databaseAddress),
                workDir.toAbsolutePath(), new DriverSettings(Duration.ofSeconds(grace), workloadNice).withStartConcurrency(startConcurrency)
                        .withReplicaLogBytes(logLimitMb * 1024 * 1024).withUsageInterval(Duration.ofSeconds(usageIntervalSeconds))
                        .withPostgresBin(postgresBin != null ? postgresBin.toAbsolutePath() : dev.tenantry.server.store.EmbeddedPostgres.binaries()), tls,
                new dev.tenantry.agent.AgentTiming(Duration.ofSeconds(longPollSeconds), Duration.ofSeconds(heartbeatSeconds),
                        Duration.ofSeconds(fullReportSeconds))),
                gateway != null ? gateway.routes() : null, gateway != null ? gateway.routes()::traffic : new TrafficFile(workDir.toAbsolutePath()),
                gateway != null && gatewayTlsPort != null ? gateway.certificates()::replaceAll : null, java.time.Clock.systemUTC()).start();
        if (gateway != null) gateway.onWake(agent::wake, Duration.ofSeconds(wakeTimeout));
        if (metricsPort != null) {
            var metrics = dev.tenantry.agent.metrics.MetricsEndpoint.start(metricsHost, metricsPort, agent.metrics());
            System.out.println("Metrics of cell " + cell + " at http://" + metricsHost + ":" + metrics.port() + "/metrics");
        }
        System.out.println("Agent of cell " + cell + " started; " + (gateway != null ? "gateway on port " + gateway.port()
                + (gateway.tlsPort() > 0 ? " (HTTPS on " + gateway.tlsPort() + ")" : "")
                : "routes for the gateway at " + gatewayUrl + " in " + workDir.toAbsolutePath().resolve(dev.tenantry.api.cell.Route.FILE)));
        // workloads keep running when the agent stops: the next agent of the cell adopts them
        AgentIdentity renewing = identity;
        UntilStopped.await(agent::detach, () -> {
            if (renewing != null) renewing.stopRenewing();
            if (gateway != null) gateway.close();
        });
        return 0;
    }

    /** http://gw.example.com:8080 → http://{host}:8080/ (instances are reached by host name through that gateway). */
    static String endpointTemplate(String gatewayUrl) {
        java.net.URI uri = java.net.URI.create(gatewayUrl);
        if (uri.getScheme() == null || uri.getHost() == null) throw new IllegalArgumentException("--gateway-url must be an http(s) URL, got " + gatewayUrl);
        return uri.getScheme() + "://{host}" + (uri.getPort() < 0 ? "" : ":" + uri.getPort()) + "/";
    }
}
