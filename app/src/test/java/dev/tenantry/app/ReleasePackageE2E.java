package dev.tenantry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The release archive as a user gets it: unpacked into an empty directory far from the sources, run from yet another
 * directory with only a JDK: version, dev mode, the CLI and an instance served through the gateway.
 */
class ReleasePackageE2E {
    private static final Path TARGET = Path.of(System.getProperty("user.dir")).resolve("target");
    private Path dir;
    private Process up;

    @BeforeEach
    void unpack() throws Exception {
        dir = Files.createTempDirectory("tenantry-release-");
        Path archive;
        try (Stream<Path> files = Files.list(TARGET)) {
            archive = files.filter(f -> f.getFileName().toString().matches("tenantry-.+\\.tar\\.gz")).findFirst()
                    .orElseThrow(() -> new AssertionError("no tenantry-<version>.tar.gz in " + TARGET + ": ./mvnw package makes it"));
        }
        assertThat(run(dir, List.of("tar", "-xzf", archive.toString(), "-C", dir.toString())).code()).isZero();
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (up != null && up.isAlive()) {
            up.destroy();
            up.waitFor(60, TimeUnit.SECONDS);
        }
        new ProcessBuilder("rm", "-rf", dir.toString()).start().waitFor();
    }

    private record Result(int code, String out) {}

    private Result run(Path cwd, List<String> command) throws Exception {
        return run(cwd, command, java.util.Map.of());
    }

    private Result run(Path cwd, List<String> command, java.util.Map<String, String> env) throws Exception {
        Path out = Files.createTempFile(dir, "out-", ".txt");
        ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().put("TENANTRY_HOME", dir.resolve("home").toString());
        pb.environment().put("TENANTRY_CACHE_DIR", dir.resolve("cache").toString());
        pb.environment().remove("TENANTRY_SKIP_BUILD");
        pb.environment().putAll(env);
        Process p = pb.start();
        assertThat(p.waitFor(180, TimeUnit.SECONDS)).as(String.join(" ", command)).isTrue();
        return new Result(p.exitValue(), Files.readString(out));
    }

    private Result tenantry(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(launcher().toString()));
        command.addAll(List.of(args));
        return run(Files.createDirectories(dir.resolve("elsewhere")), command);
    }

    private Path launcher() throws IOException {
        try (Stream<Path> top = Files.list(dir)) {
            return top.filter(Files::isDirectory).filter(d -> d.getFileName().toString().startsWith("tenantry-")).findFirst()
                    .orElseThrow().resolve("bin").resolve("tenantry");
        }
    }

    /** The launcher's JVM options on a Java 21 runtime (no JDK: the package needs none), both before and after its class-data cache exists. */
    @Test
    void theCommandsRunOnAJava21Runtime() throws Exception {
        String java21 = System.getProperty("tenantry.jdk21.java", "");
        Assumptions.assumeTrue(!java21.isBlank() && !java21.startsWith("$"), "no JDK 21 given (scripts/test.sh gives one)");
        java.util.Map<String, String> env = java.util.Map.of("JAVA_HOME", Path.of(java21).getParent().getParent().toString());
        List<String> version = List.of(launcher().toString(), "version");
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        for (int call = 0; call < 3; call++) {
            Result result = run(elsewhere, version, env);
            assertThat(result.code()).as(result.out()).isZero();
            assertThat(result.out()).contains("java 21");
            // the first call trains the cache in the background; the calls after it use it once it is there
            if (call == 0) await().atMost(Duration.ofSeconds(60)).until(() -> cacheFiles(".jsa") > 0);
        }
    }

    private long cacheFiles(String suffix) throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("cache"))) {
            return files.filter(f -> f.getFileName().toString().endsWith(suffix)).count();
        }
    }

    @Test
    void theUnpackedArchiveRunsDevModeFromAnyDirectoryWithOnlyAJdk() throws Exception {
        Path root = launcher().getParent().getParent();
        assertThat(root.resolve("pom.xml")).as("no sources: nothing is built at run time").doesNotExist();
        assertThat(root.resolve("lib").resolve("cli.classpath")).exists();
        assertThat(root.resolve("docs").resolve("deploy.md")).exists();
        assertThat(root.resolve("deploy").resolve("Containerfile")).exists();
        assertThat(root.resolve("examples").resolve("hello").resolve("blueprint.yaml")).exists();

        Result version = tenantry("version");
        assertThat(version.code()).as(version.out()).isZero();
        assertThat(version.out()).startsWith("tenantry ").contains("java ");
        Result help = tenantry("up", "--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).startsWith("Usage: tenantry up");

        Path log = dir.resolve("up.log");
        ProcessBuilder pb = new ProcessBuilder(launcher().toString(), "up", "--api-port", "0", "--gateway-port", "0")
                .directory(Files.createDirectories(dir.resolve("elsewhere")).toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("TENANTRY_HOME", dir.resolve("home").toString());
        pb.environment().put("TENANTRY_CACHE_DIR", dir.resolve("cache").toString());
        up = pb.start();
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() -> {
            if (!up.isAlive()) throw new AssertionError("tenantry up exited: " + Files.readString(log));
            return Files.readString(log).contains("Press Ctrl-C to stop");
        });
        assertThat(tenantry("tenants", "create", "acme").code()).isZero();
        Result created = tenantry("instances", "create", "acme", "web", "--service", "hello", "--plan", "starter", "--wait");
        assertThat(created.code()).as(created.out()).isZero();
        assertThat(created.out()).contains("instance acme/web is RUNNING");

        String api = Files.readString(dir.resolve("home").resolve("api.url")).strip();
        String token = Files.readString(dir.resolve("home").resolve("admin.token")).strip();
        HttpClient http = HttpClient.newHttpClient();
        String template = Json.MAPPER.readTree(http.send(HttpRequest.newBuilder(URI.create(api + "/v1/cells/local"))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString()).body()).path("endpointTemplate").asText();
        int gateway = Integer.parseInt(template.replaceAll(".*:(\\d+)/$", "$1"));
        HttpResponse<String> page = HttpClient.newBuilder().build().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway + "/"))
                .header("Host", "web.acme.localhost").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Hello, acme!");
        assertThat(http.send(HttpRequest.newBuilder(URI.create(api + "/docs")).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    }
}
