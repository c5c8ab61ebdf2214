package dev.tenantry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantry.api.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code tenantry server} and {@code tenantry agent} as separate OS processes: the agent registers its
 * cell over HTTP (outbound only), runs the instance, and serves it through its own gateway.
 */
class SeparateProcessesE2E {
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private Path home;
    private Process server;
    private Process agent;

    @AfterEach
    void stop() throws Exception {
        for (Process p : new Process[] {agent, server}) {
            if (p != null && p.isAlive()) {
                p.destroy();
                assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            }
        }
        if (home != null) {
            stopWorkloadsUnder(home);
            assertThat(new ProcessBuilder("rm", "-rf", home.toString()).start().waitFor()).isZero();
        }
    }

    /** A standalone agent leaves its workloads running when it stops (the next agent adopts them): the test stops them. */
    private static void stopWorkloadsUnder(Path dir) throws Exception {
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.filter(p -> p.getFileName().toString().matches("[0-9]+")).toList()) {
                try {
                    if (Files.readSymbolicLink(proc.resolve("cwd")).startsWith(dir)) {
                        ProcessHandle.of(Long.parseLong(proc.getFileName().toString())).ifPresent(ProcessHandle::destroyForcibly);
                    }
                } catch (java.io.IOException gone) {
                    // ended meanwhile, or not ours to read
                }
            }
        }
    }

    private Process launch(Path log, String... args) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(ROOT.resolve("tenantry").toString()).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.command().addAll(java.util.List.of(args));
        pb.environment().put("TENANTRY_HOME", home.resolve("server").toString());
        pb.environment().put("TENANTRY_SKIP_BUILD", "1");
        return pb.start();
    }

    private JsonNode call(String api, String token, String method, String path, Object body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(api + path)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(Json.write(body)));
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(method + " " + path + ": " + r.body()).isLessThan(300);
        return r.body().isEmpty() ? null : Json.MAPPER.readTree(r.body());
    }

    @Test
    void anAgentInItsOwnProcessRunsInstancesForTheServer() throws Exception {
        home = Files.createTempDirectory("tenantry-e2e-split-");
        Path serverLog = home.resolve("server.log");
        server = launch(serverLog, "server", "--api-port", "0");
        Path urlFile = home.resolve("server").resolve("api.url");
        await().atMost(Duration.ofSeconds(120)).until(() -> {
            if (!server.isAlive()) throw new AssertionError("server exited: " + Files.readString(serverLog));
            return Files.exists(urlFile);
        });
        String api = Files.readString(urlFile).strip();
        String admin = Files.readString(home.resolve("server").resolve("admin.token")).strip();

        String agentToken = call(api, admin, "POST", "/v1/tokens", Map.of("name", "edge agent", "role", "agent", "cell", "edge"))
                .path("secret").asText();
        Path agentLog = home.resolve("agent.log");
        agent = launch(agentLog, "agent", "--server", api, "--token", agentToken, "--cell", "edge", "--region", "eu-west",
                "--work-dir", home.resolve("edge").toString(), "--gateway-port", "0");
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            if (!agent.isAlive()) throw new AssertionError("agent exited: " + Files.readString(agentLog));
            JsonNode cells = call(api, admin, "GET", "/v1/cells", null).path("items");
            return cells.size() == 1 && cells.get(0).path("online").asBoolean();
        });
        JsonNode cell = call(api, admin, "GET", "/v1/cells/edge", null);
        assertThat(cell.path("region").asText()).isEqualTo("eu-west");
        int gatewayPort = Integer.parseInt(cell.path("endpointTemplate").asText().replaceAll(".*:(\\d+)/$", "$1"));

        call(api, admin, "POST", "/v1/services", Map.of("name", "hello"));
        HttpResponse<String> release = HTTP.send(HttpRequest.newBuilder(URI.create(api + "/v1/services/hello/releases"))
                .header("Authorization", "Bearer " + admin).header("Content-Type", "application/yaml")
                .POST(HttpRequest.BodyPublishers.ofString("version: 1.0.0\nblueprint:\n" + TestPlane.helloBlueprint("/healthz").indent(2)))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(release.statusCode()).as(release.body()).isEqualTo(201);
        call(api, admin, "POST", "/v1/services/hello/plans", Map.of("name", "basic"));
        call(api, admin, "POST", "/v1/tenants", Map.of("id", "initech"));
        call(api, admin, "POST", "/v1/tenants/initech/instances", Map.of("name", "app", "service", "hello", "plan", "basic"));

        await().atMost(Duration.ofSeconds(60)).until(() ->
                call(api, admin, "GET", "/v1/tenants/initech/instances/app", null).path("status").path("phase").asText().equals("RUNNING"));
        HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gatewayPort + "/"))
                .header("Host", "app.initech.localhost").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<dd id=\"tenant\">initech</dd>");
        assertThat(home.resolve("edge").resolve("desired-state.json")).exists();
        assertThat(Files.readString(home.resolve("edge").resolve("instances/initech/app/logs/web-0.log"))).contains("serving tenant initech");

        // the agent dies; its workload keeps running, and the next agent adopts it without a restart
        long pid = call(api, admin, "GET", "/v1/tenants/initech/instances/app", null).path("status").path("replicas").get(0).path("pid").asLong();
        agent.destroyForcibly();
        assertThat(agent.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("the workload outlives its agent").isTrue();
        agent = launch(home.resolve("agent2.log"), "agent", "--server", api, "--token", agentToken, "--cell", "edge", "--region", "eu-west",
                "--work-dir", home.resolve("edge").toString(), "--gateway-port", "0");
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            JsonNode edge = call(api, admin, "GET", "/v1/cells/edge", null);
            return !edge.path("endpointTemplate").asText().endsWith(":" + gatewayPort + "/") && edge.path("online").asBoolean();
        });
        int newGatewayPort = Integer.parseInt(call(api, admin, "GET", "/v1/cells/edge", null).path("endpointTemplate").asText()
                .replaceAll(".*:(\\d+)/$", "$1"));
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + newGatewayPort + "/"))
                .header("Host", "app.initech.localhost").build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
        JsonNode replica = call(api, admin, "GET", "/v1/tenants/initech/instances/app", null).path("status").path("replicas").get(0);
        assertThat(replica.path("pid").asLong()).as("adopted, not restarted").isEqualTo(pid);
        assertThat(replica.path("restarts").asInt()).isZero();
        assertThat(Files.readString(home.resolve("agent2.log"))).contains("Adopted replica web-0");
    }
}
