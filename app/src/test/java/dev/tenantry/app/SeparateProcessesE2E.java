package dev.tenantry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantry.api.Json;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code tenantry server} and {@code tenantry agent} as separate OS processes: the agent joins its cell with a one-time
 * join token and from then on calls the server over mutual TLS (outbound only), runs the instance, and serves it
 * through its own gateway; a restarted agent uses the certificate it kept, without a token. A followed log stays open
 * while it is quiet and its agent lives, and ends once its agent died.
 */
class SeparateProcessesE2E extends SplitProcesses {
    private Process agent;

    @Test
    void anAgentInItsOwnProcessRunsInstancesForTheServer() throws Exception {
        home = Files.createTempDirectory("tenantry-e2e-split-");
        // any free port, chosen by the server (one chosen here could go to embedded PostgreSQL first)
        // a cell counts as online for 4 s after its agent's last word (heartbeat: 1 s), and so long a followed log waits for it
        startServer(home.resolve("server.log"), 0, "--api-tls-port", "0", "--cell-online-seconds", "4");
        Path ca = home.resolve("ca.pem");
        Files.writeString(ca, HTTP.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(api + "/v1/ca")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body());
        String server = Files.readString(home.resolve("server").resolve("api-tls.url")).strip();
        assertThat(server).startsWith("https://localhost:");
        String joinToken = call("POST", "/v1/cells/edge/join-tokens", Map.of()).path("token").asText();
        String agentToken = call("POST", "/v1/tokens", Map.of("name", "edge agent", "role", "agent", "cell", "edge")).path("secret").asText();
        HttpResponse<String> refused = HTTP.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(api + "/v1/cells/edge/desired?wait=0"))
                .header("Authorization", "Bearer " + agentToken).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).as("agent tokens are off unless the server is told otherwise").isEqualTo(401);
        Path agentLog = home.resolve("agent.log");
        agent = launch(agentLog, "agent", "--server", server, "--server-ca", ca.toString(), "--join-token", joinToken, "--cell", "edge",
                "--region", "eu-west", "--work-dir", home.resolve("edge").toString(), "--gateway-port", "0", "--heartbeat-seconds", "1");
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            if (!agent.isAlive()) throw new AssertionError("agent exited: " + Files.readString(agentLog));
            JsonNode cells = call("GET", "/v1/cells", null).path("items");
            return cells.size() == 1 && cells.get(0).path("online").asBoolean();
        });
        JsonNode cell = call("GET", "/v1/cells/edge", null);
        assertThat(cell.path("region").asText()).isEqualTo("eu-west");
        int gatewayPort = Integer.parseInt(cell.path("endpointTemplate").asText().replaceAll(".*:(\\d+)/$", "$1"));

        provisionHello();
        HttpResponse<String> page = viaGateway(gatewayPort, "app.initech.localhost");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<dd id=\"tenant\">initech</dd>");
        assertThat(home.resolve("edge").resolve("desired-state.json")).exists();
        String uid = call("GET", "/v1/tenants/initech/instances/app", null).path("uid").asText();
        assertThat(Files.readString(home.resolve("edge").resolve("instances").resolve(uid).resolve("logs/web-0.log"))).contains("serving tenant initech");

        // followed as a person does, with the CLI
        Path followedLog = home.resolve("followed.log");
        Process followed = launch(followedLog, "instances", "logs", "initech", "app", "--tail", "50", "-f");
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.readString(followedLog).contains("serving tenant initech"));
        Thread.sleep(Duration.ofSeconds(8));
        assertThat(followed.isAlive()).as("a quiet followed log outlives the cell's online window while its agent lives: " + Files.readString(followedLog))
                .isTrue();

        // the agent dies; its workload keeps running, and the next agent adopts it without a restart
        long pid = call("GET", "/v1/tenants/initech/instances/app", null).path("status").path("replicas").get(0).path("pid").asLong();
        agent.destroyForcibly();
        java.time.Instant killed = java.time.Instant.now();
        assertThat(agent.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(followed.waitFor(20, TimeUnit.SECONDS)).as("the followed log ends once its agent is quiet for 4 s (looked at every 5 s)").isTrue();
        assertThat(Duration.between(killed, java.time.Instant.now())).isLessThan(Duration.ofSeconds(15));
        assertThat(followed.exitValue()).isZero();
        assertThat(Files.readString(followedLog)).as("the CLI says why it stopped").contains("the followed log ended").contains("run the command again");
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("the workload outlives its agent").isTrue();
        agent = launch(home.resolve("agent2.log"), "agent", "--server", server, "--server-ca", ca.toString(), "--cell", "edge",
                "--region", "eu-west", "--work-dir", home.resolve("edge").toString(), "--gateway-port", "0");
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            JsonNode edge = call("GET", "/v1/cells/edge", null);
            return !edge.path("endpointTemplate").asText().endsWith(":" + gatewayPort + "/") && edge.path("online").asBoolean();
        });
        int newGatewayPort = Integer.parseInt(call("GET", "/v1/cells/edge", null).path("endpointTemplate").asText()
                .replaceAll(".*:(\\d+)/$", "$1"));
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> viaGateway(newGatewayPort, "app.initech.localhost").statusCode() == 200);
        JsonNode replica = call("GET", "/v1/tenants/initech/instances/app", null).path("status").path("replicas").get(0);
        assertThat(replica.path("pid").asLong()).as("adopted, not restarted").isEqualTo(pid);
        assertThat(replica.path("restarts").asInt()).isZero();
        assertThat(Files.readString(home.resolve("agent2.log"))).contains("Adopted replica web-0").contains("Using the agent certificate of cell edge");
    }
}
