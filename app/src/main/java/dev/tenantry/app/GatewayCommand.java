package dev.tenantry.app;

import dev.tenantry.gateway.Gateway;
import dev.tenantry.gateway.RoutesFile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "gateway", mixinStandardHelpOptions = true,
        description = "Run a cell's gateway in its own process, serving the routes its agent writes (agent --gateway-url)."
                + " It keeps serving while the agent or the server restarts.")
final class GatewayCommand implements Callable<Integer> {
    @Option(names = "--routes-file", required = true, description = "The agent's routes file: its --work-dir/routes.json")
    Path routesFile;

    @Option(names = "--host", defaultValue = "127.0.0.1") String host;

    @Option(names = "--port", defaultValue = "8080") int port;

    @Override
    public Integer call() throws Exception {
        Gateway gateway = new Gateway(host, port).start();
        RoutesFile routes = RoutesFile.follow(routesFile.toAbsolutePath(), gateway.routes(), Duration.ofMillis(100));
        System.out.println("Gateway on port " + gateway.port() + ", routes from " + routesFile.toAbsolutePath());
        UntilStopped.await(routes::close, gateway::close);
        return 0;
    }
}
