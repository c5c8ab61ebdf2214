package dev.tenantry.app;

import dev.tenantry.api.Json;
import dev.tenantry.api.cell.Route;
import dev.tenantry.gateway.Gateway;
import dev.tenantry.gateway.RoutesFile;
import dev.tenantry.gateway.TrustedProxies;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "gateway", mixinStandardHelpOptions = true,
        description = "Run a cell's gateway in its own process, serving the routes its agent writes (agent --gateway-url)."
                + " It keeps serving while the agent or the server restarts, and asks the agent to wake hibernated instances.")
final class GatewayCommand implements Callable<Integer> {
    @Option(names = "--routes-file", required = true, description = "The agent's routes file: its --work-dir/routes.json")
    Path routesFile;

    @Option(names = "--host", defaultValue = "127.0.0.1") String host;

    @Option(names = "--port", defaultValue = "8080") int port;

    @Option(names = "--wake-timeout-seconds", defaultValue = "30",
            description = "How long a request for a hibernated instance is held while its agent wakes it (default 30)")
    int wakeTimeout;

    @Option(names = "--trusted-proxies", split = ",", paramLabel = "CIDR",
            description = "Proxies in front of this gateway whose X-Forwarded-*/Forwarded headers it keeps (addresses or CIDR blocks;"
                    + " default: none, a client's own are replaced)")
    java.util.List<String> trustedProxies = java.util.List.of();

    @Option(names = "--threads", paramLabel = "N", defaultValue = "" + Gateway.DEFAULT_THREADS,
            description = "Requests served at a time; a request held while its instance wakes holds one (default: ${DEFAULT-VALUE})")
    int threads;

    @picocli.CommandLine.Mixin
    LogFormat logFormat;

    @Override
    public Integer call() throws Exception {
        logFormat.apply();
        if (threads < 8 || threads > 10_000) throw new IllegalArgumentException("--threads must be between 8 and 10000, not " + threads);
        Gateway gateway = new Gateway(host, port, TrustedProxies.of(trustedProxies), java.time.Clock.systemUTC(), threads);
        // the routes first, then the port: a restarted gateway never answers 404 for an instance it has not read yet
        RoutesFile routes = RoutesFile.follow(routesFile.toAbsolutePath(), gateway.routes(), Duration.ofMillis(100));
        gateway.start();
        Path wakeDir = routesFile.toAbsolutePath().getParent().resolve(Route.WAKE_DIR);
        gateway.onWake(uid -> requestWake(wakeDir, uid), Duration.ofSeconds(wakeTimeout));
        Path trafficFile = routesFile.toAbsolutePath().getParent().resolve(Route.TRAFFIC_FILE);
        Thread traffic = Thread.ofPlatform().name("traffic-file").daemon().start(() -> writeTraffic(gateway, trafficFile));
        System.out.println("Gateway on port " + gateway.port() + ", routes from " + routesFile.toAbsolutePath());
        UntilStopped.await(traffic::interrupt, routes::close, gateway::close);
        return 0;
    }

    /** Every second, tells the agent each instance's traffic (its last request, for idle hibernation; its figures, for rollout analysis), if it moved. */
    private static void writeTraffic(Gateway gateway, Path file) {
        java.util.Map<String, dev.tenantry.api.cell.InstanceTraffic> written = java.util.Map.of();
        while (!Thread.currentThread().isInterrupted()) {
            java.util.Map<String, dev.tenantry.api.cell.InstanceTraffic> now = gateway.routes().traffic();
            if (!now.equals(written)) {
                try {
                    Json.writeAtomically(file, now);
                    written = now;
                } catch (java.io.IOException e) {
                    System.err.println("cannot write " + file + ": " + e.getMessage());
                }
            }
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Asks the agent that writes the routes to wake an instance: an empty file named by its uid in its wake directory. */
    private static void requestWake(Path wakeDir, String instanceUid) {
        try {
            Files.createDirectories(wakeDir);
            Files.writeString(wakeDir.resolve(instanceUid), "");
        } catch (java.io.IOException e) {
            System.err.println("cannot ask the agent to wake " + instanceUid + ": " + e.getMessage());
        }
    }
}
