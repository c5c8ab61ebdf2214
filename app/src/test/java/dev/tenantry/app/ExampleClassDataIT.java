package dev.tenantry.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.api.blueprint.Blueprint;
import dev.tenantry.api.cell.Route;
import dev.tenantry.examples.hello.HelloBlueprint;
import dev.tenantry.gateway.Gateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The example's class-data cache, made by a real training run of the example on this JDK, and used by a JVM started as a
 * replica is: with the JVM told to insist on it ({@code -XX:AOTMode=on} on JDK 25+, {@code -Xshare:on} before), a cache
 * it could not use would stop it.
 */
class ExampleClassDataIT {
    private Path home;

    @BeforeEach
    void home() throws Exception {
        home = Files.createTempDirectory("tenantry-class-data-");
    }

    @AfterEach
    void cleanUp() throws Exception {
        new ProcessBuilder("rm", "-rf", home.toString()).start().waitFor();
    }

    @Test
    void aTrainingRunMakesACacheThatTheReplicasCommandUsesAndAChangedJarMakesItAgain() throws Exception {
        Path jar = ExampleCatalog.readableCopy(HelloBlueprint.classpath(), home.resolve("examples"));
        assertThat(jar.getFileName().toString()).as("the example is built as a jar").endsWith(".jar");
        ExampleClassData cache = ExampleCatalog.classData(home);
        Blueprint blueprint = ExampleCatalog.blueprint(jar, cache.options());
        List<String> command = ExampleCatalog.replicaCommand(blueprint);
        assertThat(command).containsSequence(cache.options()).contains("-XX:MaxRAM=128m");

        assertThat(cache.ensure(command, jar)).as("made").isTrue();
        assertThat(cache.archive()).isRegularFile();
        assertThat(cache.ensure(command, jar)).as("current: not made again").isFalse();
        assertThat(runStrictly(command)).as("a JVM insisting on the cache starts, serves and exits").isZero();

        Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 60_000));
        assertThat(cache.ensure(command, jar)).as("made for another jar: made again").isTrue();
        assertThat(runStrictly(command)).isZero();

        List<String> otherOptions = command.stream().map(arg -> arg.equals("-XX:MaxRAM=128m") ? "-XX:MaxRAM=256m" : arg).toList();
        assertThat(cache.ensure(otherOptions, jar)).as("made for other JVM options: made again").isTrue();
        assertThat(runStrictly(otherOptions)).isZero();
    }

    @Test
    void withoutTheCacheAReplicaStartsAsBeforeAndSaysNothingAboutIt() throws Exception {
        Path jar = ExampleCatalog.readableCopy(HelloBlueprint.classpath(), home.resolve("examples"));
        ExampleClassData cache = ExampleCatalog.classData(home);
        List<String> command = new ArrayList<>(ExampleCatalog.replicaCommand(ExampleCatalog.blueprint(jar, cache.options())));
        command.add("--train");
        Path out = home.resolve("out.txt");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(out)).isZero();
        assertThat(Files.readString(out)).doesNotContainIgnoringCase("cds").doesNotContainIgnoringCase("aot").contains("hello: serving");
    }

    @Test
    void aReplicaWithTheCacheCountsAVisitThroughTheGatewayWithoutLoadingTheClassesItTakesFromOutsideIt() throws Exception {
        Path jar = ExampleCatalog.readableCopy(HelloBlueprint.classpath(), home.resolve("examples"));
        ExampleClassData cache = ExampleCatalog.classData(home);
        List<String> command = ExampleCatalog.replicaCommand(ExampleCatalog.blueprint(jar, cache.options()));
        assertThat(cache.ensure(command, jar)).as("made").isTrue();
        List<String> logged = new ArrayList<>(command);
        Path classes = home.resolve("classes.log");
        logged.add(1, "-Xlog:class+load=info:file=" + classes);
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();
        }
        ProcessBuilder pb = new ProcessBuilder(logged).redirectErrorStream(true).redirectOutput(home.resolve("replica.txt").toFile());
        pb.environment().put("PORT", String.valueOf(port));
        pb.environment().put("VISITS_FILE", home.resolve("data/visits").toString());
        Process replica = pb.start();
        try (Gateway gateway = new Gateway("127.0.0.1", 0).start()) {
            gateway.routes().accept(List.of(new Route("web.acme.localhost", "ins_web", List.of("127.0.0.1:" + port), false, "1.0.0", false, false)));
            // the first page asked for through the gateway, as a client does once the instance runs: the gateway keeps its
            // connection to the replica alive and adds its forwarding headers, a path of the replica's HTTP server that
            // health checks (a connection each) do not take
            String page = org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).pollInterval(java.time.Duration.ofMillis(20))
                    .until(() -> pageThrough(gateway.port(), "web.acme.localhost"), java.util.Objects::nonNull);
            assertThat(page).as("the replica's first page through the gateway").startsWith("HTTP/1.1 200").contains("Hello");
        } finally {
            replica.destroy();
            replica.onExit().get(30, TimeUnit.SECONDS);
        }
        List<String> fromOutside = Files.readAllLines(classes).stream()
                .filter(line -> line.contains("sun.net.httpserver") || line.contains("$$Lambda") || line.contains("FileLock"))
                .filter(line -> !line.contains("source: shared objects file")).toList();
        assertThat(fromOutside).as("the HTTP server's classes, lambdas and the visits file's lock classes loaded from outside the cache").isEmpty();
        assertThat(home.resolve("data/visits")).as("the visit counted, saved when the replica stopped").content().isEqualToIgnoringWhitespace("1");
    }

    /** GET / through the gateway with {@code host}, the whole answer; null while the gateway cannot reach the replica yet. */
    private static String pageThrough(int gatewayPort, String host) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", gatewayPort)) {
            socket.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
            return answer.startsWith("HTTP/1.1 200") ? answer : null;
        }
    }

    /** The replica's command in training mode (serve, answer, exit), the JVM told to fail unless it maps the cache. */
    private int runStrictly(List<String> command) throws Exception {
        List<String> strict = new ArrayList<>(command);
        strict.add(1, Runtime.version().feature() >= 25 ? "-XX:AOTMode=on" : "-Xshare:on");
        strict.add("--train");
        Path out = home.resolve("strict.txt");
        Process p = new ProcessBuilder(strict).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(out)).isZero();
        return p.exitValue();
    }
}
