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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;

/**
 * Base of end-to-end tests that run {@code tenantry server}, {@code agent} and {@code gateway} as separate OS
 * processes of the packaged launcher, each with its own log under a temporary home.
 */
abstract class SplitProcesses {
    static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    Path home;
    String api;
    String admin;
    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void stopEverything() throws Exception {
        for (Process p : processes.reversed()) {
            if (p.isAlive()) {
                p.destroy();
                assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            }
        }
        if (home != null) {
            stopWorkloadsUnder(home);
            // TENANTRY_KEEP_TEST_HOME=1 keeps the processes' logs and work directories for a look after a failure
            if (System.getenv("TENANTRY_KEEP_TEST_HOME") == null) {
                assertThat(new ProcessBuilder("rm", "-rf", home.toString()).start().waitFor()).isZero();
            }
        }
    }

    /** A standalone agent leaves its workloads running when it stops (the next agent adopts them): the test stops them. */
    static void stopWorkloadsUnder(Path dir) throws IOException {
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.filter(p -> p.getFileName().toString().matches("[0-9]+")).toList()) {
                try {
                    if (Files.readSymbolicLink(proc.resolve("cwd")).startsWith(dir)) {
                        ProcessHandle.of(Long.parseLong(proc.getFileName().toString())).ifPresent(ProcessHandle::destroyForcibly);
                    }
                } catch (IOException gone) {
                    // ended meanwhile, or not ours to read
                }
            }
        }
    }

    Process launch(Path log, String... args) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(ROOT.resolve("tenantry").toString()).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.command().addAll(List.of(args));
        pb.environment().put("TENANTRY_HOME", home.resolve("server").toString());
        pb.environment().put("TENANTRY_SKIP_BUILD", "1");
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    /** Starts {@code tenantry server} with embedded PostgreSQL under the home and waits until it serves. */
    /** The server flag that lets agents call with bearer tokens (refused by default: agents join with mutual TLS). */
    static final String AGENT_TOKENS = "--agent-tokens";

    Process startServer(Path log) throws Exception {
        return startServer(log, 0);
    }

    /** The same on a given API port (0: any free one), so that agents find it again after a restart. */
    Process startServer(Path log, int apiPort, String... more) throws Exception {
        Path urlFile = home.resolve("server").resolve("api.url");
        // the file of a server killed just as it wrote it must not pass for this one's (a process's start time is coarse)
        Files.deleteIfExists(urlFile);
        List<String> args = new java.util.ArrayList<>(List.of("server", "--api-port", String.valueOf(apiPort)));
        args.addAll(List.of(more));
        Process server = launch(log, args.toArray(String[]::new));
        await().atMost(Duration.ofSeconds(120)).until(() -> {
            if (!server.isAlive()) throw new AssertionError("server exited: " + Files.readString(log));
            return Files.exists(urlFile);
        });
        api = Files.readString(urlFile).strip();
        admin = Files.readString(home.resolve("server").resolve("admin.token")).strip();
        return server;
    }

    JsonNode call(String method, String path, Object body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(api + path)).header("Authorization", "Bearer " + admin)
                .header("Content-Type", "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(Json.write(body)));
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(method + " " + path + ": " + r.body()).isLessThan(300);
        return r.body().isEmpty() ? null : Json.MAPPER.readTree(r.body());
    }

    /** Service hello (the example's command), its plan "basic", tenant initech, and instance initech/app, running. */
    void provisionHello() throws Exception {
        createHelloAndInitech();
        call("POST", "/v1/tenants/initech/instances", Map.of("name", "app", "service", "hello", "plan", "basic"));
        await().atMost(Duration.ofSeconds(60)).until(() ->
                call("GET", "/v1/tenants/initech/instances/app", null).path("status").path("phase").asText().equals("RUNNING"));
    }

    /** Service hello (the example's command), its plan "basic", and tenant initech. */
    void createHelloAndInitech() throws Exception {
        call("POST", "/v1/services", Map.of("name", "hello"));
        HttpResponse<String> release = HTTP.send(HttpRequest.newBuilder(URI.create(api + "/v1/services/hello/releases"))
                .header("Authorization", "Bearer " + admin).header("Content-Type", "application/yaml")
                .POST(HttpRequest.BodyPublishers.ofString("version: 1.0.0\nblueprint:\n" + TestPlane.helloBlueprint("/healthz").indent(2)))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(release.statusCode()).as(release.body()).isEqualTo(201);
        call("POST", "/v1/services/hello/plans", Map.of("name", "basic"));
        call("POST", "/v1/tenants", Map.of("id", "initech"));
    }

    HttpResponse<String> viaGateway(int port, String host) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).header("Host", host).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /**
     * A free port for a process to bind later, below Linux's ephemeral range (32768 and up): one from that range, closed
     * again, can go to another bind to port 0 first (embedded PostgreSQL's, say) before the process it was meant for starts.
     */
    static int freePort() throws IOException {
        var random = java.util.concurrent.ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = random.nextInt(20_000, 32_000);
            try (var socket = new java.net.ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            } catch (java.net.BindException taken) {
                // another one
            }
        }
        throw new IOException("no free port between 20000 and 32000 after 100 tries");
    }
}
