package dev.tenantry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Static stability with real processes: server (with its PostgreSQL), agent and gateway each in its own process.
 * With the server and the database killed, requests keep flowing through the gateway for 30 s with no failure,
 * while the agent is killed and started again meanwhile without restarting the workload; when the server comes
 * back, everything reconciles. Then the gateway wakes a hibernated instance through the agent.
 */
class StaticStabilityE2E extends SplitProcesses {

    @Test
    void instancesKeepServingWhileTheServerAndDatabaseAreDownAndTheAgentRestarts() throws Exception {
        home = Files.createTempDirectory("tenantry-e2e-static-");
        int apiPort = freePort();
        Process server = startServer(home.resolve("server.log"), apiPort, AGENT_TOKENS);
        String agentToken = call("POST", "/v1/tokens", Map.of("name", "edge agent", "role", "agent", "cell", "edge")).path("secret").asText();
        int gatewayPort = freePort();
        Path workDir = home.resolve("edge");
        Process gateway = launch(home.resolve("gateway.log"), "gateway", "--routes-file", workDir.resolve("routes.json").toString(),
                "--port", String.valueOf(gatewayPort));
        String[] agentArgs = {"agent", "--server", api, "--token", agentToken, "--cell", "edge", "--work-dir", workDir.toString(),
                "--gateway-url", "http://127.0.0.1:" + gatewayPort};
        Process agent = launch(home.resolve("agent.log"), agentArgs);
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> call("GET", "/v1/cells/edge", null).path("online").asBoolean());
        provisionHello();
        assertThat(call("GET", "/v1/tenants/initech/instances/app", null).path("status").path("endpoint").asText())
                .isEqualTo("http://app.initech.localhost:" + gatewayPort + "/");
        await().atMost(Duration.ofSeconds(10)).until(() -> viaGateway(gatewayPort, "app.initech.localhost").statusCode() == 200);
        long pid = call("GET", "/v1/tenants/initech/instances/app", null).path("status").path("replicas").get(0).path("pid").asLong();

        try (GatewayLoad load = new GatewayLoad(gatewayPort, "app.initech.localhost")) {
            long postmaster = Long.parseLong(Files.readAllLines(home.resolve("server/postgres/postmaster.pid")).get(0).strip());
            server.destroyForcibly();
            ProcessHandle.of(postmaster).ifPresent(ProcessHandle::destroyForcibly);
            assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
            await().atMost(Duration.ofSeconds(30)).until(() -> ProcessHandle.of(postmaster).map(p -> !p.isAlive()).orElse(true));

            Thread.sleep(10_000); // the load runs 10 s against the gateway alone, then the agent dies too
            agent.destroyForcibly();
            assertThat(agent.waitFor(30, TimeUnit.SECONDS)).isTrue();
            Process agent2 = launch(home.resolve("agent2.log"), agentArgs);
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(home.resolve("agent2.log")).contains("Adopted replica web-0"));
            Thread.sleep(20_000); // and 20 s more with the restarted agent and no server: 30 s in all
            assertThat(agent2.isAlive()).isTrue();
            assertThat(load.failures()).as("requests through the gateway while the server, its database and the agent were down").isEmpty();
            assertThat(load.ok()).isGreaterThan(300);
        }
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("the same workload process throughout").isTrue();
        assertThat(gateway.isAlive()).isTrue();

        java.time.Instant serverBack = java.time.Instant.now();
        startServer(home.resolve("server2.log"), apiPort, AGENT_TOKENS);
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            JsonNode edge = call("GET", "/v1/cells/edge", null);
            return edge.path("online").asBoolean() && java.time.Instant.parse(edge.path("lastSeen").asText()).isAfter(serverBack);
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            JsonNode instance = call("GET", "/v1/tenants/initech/instances/app", null);
            JsonNode replica = instance.path("status").path("replicas").path(0);
            return instance.path("status").path("phase").asText().equals("RUNNING") && replica.path("pid").asLong() == pid
                    && replica.path("restarts").asInt() == 0 && replica.path("healthy").asBoolean();
        });
        assertThat(viaGateway(gatewayPort, "app.initech.localhost").statusCode()).isEqualTo(200);

        // the gateway in its own process tells the agent about traffic and asks it to wake a hibernated instance
        String uid = call("GET", "/v1/tenants/initech/instances/app", null).path("uid").asText();
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(workDir.resolve("traffic.json"))
                && Files.readString(workDir.resolve("traffic.json")).contains(uid));
        String hibernate = call("POST", "/v1/tenants/initech/instances/app/hibernate", null).path("operation").path("id").asText();
        await().atMost(Duration.ofSeconds(30)).until(() -> call("GET", "/v1/operations/" + hibernate, null).path("state").asText().equals("SUCCEEDED"));
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(viaGateway(gatewayPort, "app.initech.localhost").statusCode()).as("held while the agent wakes it").isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() ->
                call("GET", "/v1/tenants/initech/instances/app", null).path("status").path("phase").asText().equals("RUNNING"));
    }
}
