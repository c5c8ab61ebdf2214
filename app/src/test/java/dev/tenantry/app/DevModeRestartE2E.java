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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code ./tenantry up} started again and again on one home, as a persistent user does: stopped with Ctrl-C
 * (SIGTERM) and with {@code kill -9} in turn. Every start comes up ready only once the example service exists,
 * registers no new release, and serves the instance created on the first; a second start on a home in use
 * refuses at once and leaves the running one alone.
 */
class DevModeRestartE2E {
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final int STARTS = 6;
    private Path home;
    private Process up;

    @BeforeEach
    void createHome() throws IOException {
        home = Files.createTempDirectory("tenantry-restart-");
        // passable by other users, as root's default home is: each tenant's workloads then run as a user of its own
        Files.setPosixFilePermissions(home, java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
    }

    @AfterEach
    void stopEverything() throws Exception {
        if (up != null && up.isAlive()) {
            up.destroy();
            up.waitFor(60, TimeUnit.SECONDS);
        }
        SplitProcesses.stopWorkloadsUnder(home);
        assertThat(new ProcessBuilder("rm", "-rf", home.toString()).start().waitFor()).isZero();
    }

    @Test
    void startsAnyNumberOfTimesOnOneHomeGracefulOrKilled() throws Exception {
        up = startUp(home.resolve("up-1.log"));
        String api = awaitReady(up, home.resolve("up-1.log"));
        String admin = Files.readString(home.resolve("admin.token")).strip();
        assertThat(call(api, admin, "POST", "/v1/tenants", Map.of("id", "acme")).statusCode()).isEqualTo(201);
        assertThat(call(api, admin, "POST", "/v1/tenants/acme/instances", Map.of("name", "web", "service", "hello", "plan", "starter"))
                .statusCode()).isEqualTo(202);
        awaitServed(api, admin);
        if ("root".equals(System.getProperty("user.name"))) {
            long pid = Json.MAPPER.readTree(get(api, admin, "/v1/tenants/acme/instances/web").body()).path("status").path("replicas").get(0)
                    .path("pid").asLong();
            String uid = Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream().filter(l -> l.startsWith("Uid:")).findFirst()
                    .orElseThrow().split("\\s+")[1];
            assertThat(Integer.parseInt(uid)).as("the workload runs as its tenant's own user, not root").isGreaterThanOrEqualTo(200_000);
        }

        Path refusedLog = home.resolve("second.log");
        Process second = startUp(refusedLog);
        assertThat(second.waitFor(60, TimeUnit.SECONDS)).as("a second start on a home in use ends by itself").isTrue();
        assertThat(second.exitValue()).isNotZero();
        assertThat(Files.readString(refusedLog)).contains("is using " + home).doesNotContain("Exception");
        assertThat(get(api, admin, "/readyz").statusCode()).as("the first one still serves").isEqualTo(200);
        awaitServed(api, admin);

        for (int start = 2; start <= STARTS; start++) {
            boolean kill = start % 2 == 0;
            if (kill) {
                up.destroyForcibly();
            } else {
                up.destroy();
            }
            assertThat(up.waitFor(60, TimeUnit.SECONDS)).isTrue();
            Path log = home.resolve("up-" + start + ".log");
            up = startUp(log);
            api = awaitReady(up, log);
            assertThat(Files.readString(log)).as("start %d (after %s)", start, kill ? "kill -9" : "SIGTERM").contains("release 1.0.0)");
            awaitServed(api, admin);
            JsonNode releases = Json.MAPPER.readTree(get(api, admin, "/v1/services/hello/releases").body()).path("items");
            assertThat(releases).as("start %d registers no new release", start).hasSize(1);
        }
    }

    private Process startUp(Path log) throws IOException {
        return UpLauncher.start(home, log);
    }

    /**
     * Polls /readyz from the moment an API address is written (the previous run's address answers nothing); the first
     * 200 must find the example's plan there.
     */
    private String awaitReady(Process process, Path log) throws Exception {
        Path urlFile = home.resolve("api.url");
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(20)).until(() -> {
            if (!process.isAlive()) throw new AssertionError("tenantry up exited: " + Files.readString(log));
            if (!Files.exists(urlFile)) return false;
            try {
                return get(Files.readString(urlFile).strip(), null, "/readyz").statusCode() == 200;
            } catch (IOException notListening) {
                return false;
            }
        });
        String api = Files.readString(urlFile).strip();
        String admin = Files.readString(home.resolve("admin.token")).strip();
        assertThat(get(api, admin, "/v1/services/hello/plans/starter").statusCode()).as("ready means the example exists").isEqualTo(200);
        return api;
    }

    private static void awaitServed(String api, String admin) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> {
            JsonNode cell = Json.MAPPER.readTree(get(api, admin, "/v1/cells/local").body());
            String port = cell.path("endpointTemplate").asText().replaceAll(".*:(\\d+)/$", "$1");
            HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                    .header("Host", "web.acme.localhost").timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            return page.statusCode() == 200 && page.body().contains("acme");
        });
    }

    private static HttpResponse<String> get(String api, String token, String path) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(api + path)).timeout(Duration.ofSeconds(10));
        if (token != null) b.header("Authorization", "Bearer " + token);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> call(String api, String token, String method, String path, Object body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(api + path)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(Json.write(body))).build(), HttpResponse.BodyHandlers.ofString());
    }
}
