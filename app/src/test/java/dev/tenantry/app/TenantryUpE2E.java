package dev.tenantry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantry.api.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The packaged launcher as a user runs it: {@code ./tenantry up} in its own OS process, driven through
 * the CLI (each command its own process) and plain HTTP through the gateway; then a restart on the same
 * home keeps the data and brings the instances back.
 */
class TenantryUpE2E {
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private Path home;
    private Process up;

    @BeforeEach
    void createHome() throws IOException {
        home = Files.createTempDirectory("tenantry-e2e-");
    }

    @AfterEach
    void stopEverything() throws Exception {
        if (up != null && up.isAlive()) {
            up.destroy();
            up.waitFor(60, TimeUnit.SECONDS);
        }
        assertThat(new ProcessBuilder("rm", "-rf", home.toString()).start().waitFor()).isZero();
    }

    private Process startUp(Path log) throws IOException {
        return UpLauncher.start(home, log);
    }

    private record Cli(int exit, String out) {}

    private Cli cli(String... args) throws Exception {
        Path out = Files.createTempFile(home, "cli-", ".out");
        Process p = cliProcess(out, args);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("cli " + String.join(" ", args) + " finished").isTrue();
        return new Cli(p.exitValue(), Files.readString(out));
    }

    /** The CLI as a running process, its output going to {@code out}. */
    private Process cliProcess(Path out, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ROOT.resolve("tenantry").toString());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().put("TENANTRY_HOME", home.toString());
        pb.environment().put("TENANTRY_SKIP_BUILD", "1");
        return pb.start();
    }

    private String awaitReady(Path log) throws IOException {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() -> {
            if (!up.isAlive()) throw new AssertionError("tenantry up exited: " + Files.readString(log));
            return Files.exists(home.resolve("api.url")) && Files.readString(log).contains("Press Ctrl-C to stop");
        });
        return Files.readString(home.resolve("api.url")).strip();
    }

    private int gatewayPort(String api) throws Exception {
        String token = Files.readString(home.resolve("admin.token")).strip();
        HttpResponse<String> cell = HTTP.send(HttpRequest.newBuilder(URI.create(api + "/v1/cells/local"))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        String template = Json.MAPPER.readTree(cell.body()).path("endpointTemplate").asText();
        return Integer.parseInt(template.replaceAll(".*:(\\d+)/$", "$1"));
    }

    private static HttpResponse<String> viaGateway(int port, String host) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).header("Host", host).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    @Test
    void upThenCliThenBrowserThenDeleteThenRestartKeepsData() throws Exception {
        Path log = home.resolve("up.log");
        up = startUp(log);
        String api = awaitReady(log);
        assertThat(Files.readString(log)).contains("admin token (created now");
        int gateway = gatewayPort(api);

        Cli tenant = cli("tenants", "create", "acme", "--name", "Acme Corp");
        assertThat(tenant.exit()).as(tenant.out()).isZero();
        Cli create = cli("instances", "create", "acme", "web", "--service", "hello", "--plan", "starter", "--wait");
        assertThat(create.exit()).as(create.out()).isZero();
        assertThat(create.out()).contains("instance acme/web is RUNNING at http://web.acme.localhost:" + gateway + "/");

        HttpResponse<String> page = viaGateway(gateway, "web.acme.localhost");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Hello, acme!");

        Cli list = cli("instances", "list", "acme", "-o", "json");
        JsonNode items = Json.MAPPER.readTree(list.out()).path("items");
        assertThat(items).hasSize(1);
        assertThat(items.get(0).path("status").path("phase").asText()).isEqualTo("RUNNING");

        Cli bad = cli("instances", "create", "acme", "bad", "--service", "nope", "--plan", "starter");
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.out()).contains("service: no service 'nope'");

        String etag = Json.MAPPER.readTree(cli("instances", "get", "acme", "web", "-o", "json").out()).path("etag").asText();
        Cli update = cli("instances", "update", "acme", "web", "-p", "greeting=Hola", "--if-match", etag, "--wait");
        assertThat(update.exit()).as(update.out()).isZero();
        assertThat(viaGateway(gateway, "web.acme.localhost").body()).contains("Hola, acme!");
        Cli stale = cli("instances", "scale", "acme", "web", "--replicas", "2", "--if-match", etag);
        assertThat(stale.exit()).isEqualTo(1);
        assertThat(stale.out()).contains("HTTP 412");
        Cli scale = cli("instances", "scale", "acme", "web", "--replicas", "2", "--wait");
        assertThat(scale.exit()).as(scale.out()).isZero();
        Cli stop = cli("instances", "stop", "acme", "web", "--wait");
        assertThat(stop.exit()).as(stop.out()).isZero();
        assertThat(cli("instances", "get", "acme", "web").out()).contains("STOPPED");
        assertThat(viaGateway(gateway, "web.acme.localhost").statusCode()).isEqualTo(503);
        Cli start = cli("instances", "start", "acme", "web", "--wait");
        assertThat(start.exit()).as(start.out()).isZero();
        // dev mode trained the example's class-data cache in the background; the replicas started since run with it
        Path cache = home.resolve("examples").resolve(Runtime.version().feature() >= 25 ? "hello.aot" : "hello.jsa");
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.isRegularFile(cache));
        Path watchOut = home.resolve("watch.out");
        Process watch = cliProcess(watchOut, "instances", "get", "acme", "web", "--watch");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(watchOut) && Files.readString(watchOut).contains("etag"));
        Cli restart = cli("instances", "restart", "acme", "web", "--wait");
        assertThat(restart.exit()).as(restart.out()).isZero();
        assertThat(Json.MAPPER.readTree(cli("instances", "get", "acme", "web", "-o", "json").out()).path("status").path("replicas")).hasSize(2);

        Cli delete = cli("instances", "delete", "acme", "web", "--wait");
        assertThat(delete.exit()).as(delete.out()).isZero();
        assertThat(watch.waitFor(30, TimeUnit.SECONDS)).as("--watch ends when the instance is deleted").isTrue();
        String watched = Files.readString(watchOut);
        String generation = Json.MAPPER.readTree(cli("instances", "list", "acme", "--include-deleted", "-o", "json").out())
                .path("items").get(0).path("generation").asText();
        assertThat(watched).as("a line at each change, live").contains("RUNNING      generation " + generation + " (observed " + generation + ")",
                "DELETING", "DELETED");
        await().atMost(Duration.ofSeconds(10)).until(() -> viaGateway(gateway, "web.acme.localhost").statusCode() == 404);
        assertThat(cli("instances", "list", "acme", "--include-deleted").out()).contains("PURGE AT", "DELETED");
        Cli restore = cli("instances", "restore", "acme", "web", "--wait");
        assertThat(restore.exit()).as(restore.out()).isZero();
        assertThat(viaGateway(gateway, "web.acme.localhost").body()).as("restored with its parameters").contains("Hola, acme!");
        assertThat(cli("instances", "delete", "acme", "web", "--wait").exit()).isZero();
        Cli purge = cli("instances", "purge", "acme", "web", "--wait");
        assertThat(purge.exit()).as(purge.out()).isZero();
        Cli restoreAfterPurge = cli("instances", "restore", "acme", "web");
        assertThat(restoreAfterPurge.exit()).isEqualTo(1);
        assertThat(restoreAfterPurge.out()).contains("was purged");

        Cli second = cli("instances", "create", "acme", "shop", "--service", "hello", "--plan", "starter", "--wait", "-p", "greeting=Howdy");
        assertThat(second.exit()).as(second.out()).isZero();
        long pid = Json.MAPPER.readTree(cli("instances", "get", "acme", "shop", "-o", "json").out())
                .path("status").path("replicas").get(0).path("pid").asLong();

        up.destroy();
        assertThat(up.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("workload stopped with dev mode").isFalse();
        assertThat(home.resolve("postgres").resolve("postmaster.pid")).as("PostgreSQL stopped").doesNotExist();

        Path log2 = home.resolve("up2.log");
        up = startUp(log2);
        String api2 = awaitReady(log2);
        assertThat(Files.readString(log2)).doesNotContain("created now");
        int gateway2 = gatewayPort(api2);
        await().atMost(Duration.ofSeconds(60)).ignoreExceptionsInstanceOf(java.net.ConnectException.class)
                .until(() -> viaGateway(gateway2, "shop.acme.localhost").statusCode() == 200);
        assertThat(viaGateway(gateway2, "shop.acme.localhost").body()).contains("Howdy, acme!");

        // a fleet upgrade of hello to a new release, from the CLI
        JsonNode blueprint = Json.MAPPER.readTree(cli("services", "releases", "hello", "-o", "json").out()).path("items").get(0).path("blueprint");
        ((com.fasterxml.jackson.databind.node.ObjectNode) blueprint.path("components").get(0).path("env"))
                .put("GREETING", "{{params.greeting}} from 2.0.0");
        Path file = home.resolve("hello-2.0.0.json");
        Files.writeString(file, Json.write(blueprint));
        assertThat(cli("services", "release", "hello", "2.0.0", "-f", file.toString()).exit()).isZero();
        Cli window = cli("tenants", "window", "acme", "--start", "00:00", "--duration-minutes", "1440");
        assertThat(window.exit()).as(window.out()).isZero();
        assertThat(window.out()).contains("\"start\":\"00:00\"");
        Cli rollout = cli("rollouts", "create", "hello", "2.0.0", "--canary", "1", "--wait");
        assertThat(rollout.exit()).as(rollout.out()).isZero();
        assertThat(rollout.out()).contains("SUCCEEDED");
        assertThat(viaGateway(gateway2, "shop.acme.localhost").body()).contains("Howdy from 2.0.0, acme!");
        assertThat(cli("rollouts", "list").out()).contains("hello", "2.0.0", "SUCCEEDED");
        assertThat(cli("instances", "get", "acme", "shop").out()).as("blue-green: the old release stays warm")
                .containsPattern("web-0 \\(warm\\) +1\\.0\\.0").containsPattern("web-0 +2\\.0\\.0");
        assertThat(cli("instances", "releases", "acme", "shop").out()).contains("instance.upgrade", "instance.create")
                .containsPattern("2\\.0\\.0 +1\\.0\\.0 +rollout ro_");
        assertThat(cli("tenants", "window", "acme", "--clear").out()).contains("no maintenance window");
        assertThat(cli("tenants", "label", "acme", "tier=gold").out()).contains("\"tier\":\"gold\"");
        assertThat(cli("rollouts", "protect", "--tenant-label", "tier=platinum").out()).contains("protected tenant labels: {\"tier\":\"platinum\"}");
        assertThat(cli("rollouts", "protect", "--none").out()).contains("protected services: []");
        assertThat(cli("instances", "pin", "acme", "shop", "2.0.0").exit()).isZero();
        assertThat(cli("instances", "get", "acme", "shop").out()).containsPattern("pinned to +2\\.0\\.0");
        assertThat(cli("instances", "unpin", "acme", "shop").exit()).isZero();
        JsonNode tenants = Json.MAPPER.readTree(cli("tenants", "list", "-o", "json").out()).path("items");
        assertThat(tenants).extracting(t -> t.path("name").asText()).containsExactly("Acme Corp");
        Cli quota = cli("tenants", "quota", "acme", "--instances", "10", "--memory-mb", "4096");
        assertThat(quota.exit()).as(quota.out()).isZero();
        assertThat(quota.out()).contains("\"instances\":10").containsPattern("in use: 1 instance\\(s\\), [0-9]+ CPU millicores, 128 MiB");
        assertThat(cli("tenants", "quota", "acme", "--clear").out()).contains("quota: its plans'");
        Cli audit = cli("audit", "--tenant", "acme");
        assertThat(audit.out()).contains("POST /v1/tenants/{tenant}/instances", "instance.running");
    }
}
