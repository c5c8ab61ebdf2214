package dev.tenantry.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.api.blueprint.Blueprint;
import dev.tenantry.examples.hello.HelloBlueprint;
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
