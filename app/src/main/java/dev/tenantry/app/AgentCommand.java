package dev.tenantry.app;

import dev.tenantry.agent.Agent;
import dev.tenantry.agent.driver.DriverSettings;
import dev.tenantry.api.cell.CellRegistration;
import dev.tenantry.gateway.Gateway;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "agent", mixinStandardHelpOptions = true,
        description = "Run the agent of one cell, with its gateway beside it. It connects out to the server; nothing connects in.")
final class AgentCommand implements Callable<Integer> {
    @Option(names = "--server", required = true, description = "Server URL, e.g. http://10.0.0.5:7070")
    String server;

    @Option(names = "--token", description = "Agent token of this cell (env TENANTRY_AGENT_TOKEN)")
    String token;

    @Option(names = "--cell", required = true, description = "The cell this agent serves")
    String cell;

    @Option(names = "--region", defaultValue = "local") String region;

    @Option(names = "--capacity", defaultValue = "100") int capacity;

    @Option(names = "--work-dir", required = true, description = "Where workloads, logs and the desired-state cache live")
    Path workDir;

    @Option(names = "--gateway-host", defaultValue = "127.0.0.1") String gatewayHost;

    @Option(names = "--gateway-port", defaultValue = "8080") int gatewayPort;

    @Option(names = "--base-domain", defaultValue = "localhost", description = "Instances are served at {instance}.{tenant}.{base-domain}")
    String baseDomain;

    @Option(names = "--stop-grace-seconds", defaultValue = "10") int grace;

    @Option(names = "--workload-nice", defaultValue = "10", description = "CPU niceness of workload processes, 0-19") int workloadNice;

    @Override
    public Integer call() throws Exception {
        String secret = token != null ? token : System.getenv("TENANTRY_AGENT_TOKEN");
        if (secret == null) throw new IllegalArgumentException("an agent token is required: --token or TENANTRY_AGENT_TOKEN");
        Gateway gateway = new Gateway(gatewayHost, gatewayPort).start();
        Agent agent = new Agent(new Agent.Config(server, secret, cell,
                new CellRegistration(region, "process", capacity, baseDomain, "http://{host}:" + gateway.port() + "/"),
                workDir.toAbsolutePath(), new DriverSettings(Duration.ofSeconds(grace), workloadNice)), gateway.routes()).start();
        System.out.println("Agent of cell " + cell + " started; gateway on port " + gateway.port());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            agent.detach(); // workloads keep running; the next agent of the cell adopts them
            try {
                gateway.close();
            } catch (Exception e) {
                System.err.println("stopping the gateway failed: " + e);
            }
            stopped.countDown();
        }, "shutdown"));
        stopped.await();
        return 0;
    }
}
