package dev.tenantry.agent.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tenantry.api.blueprint.Component;
import dev.tenantry.api.blueprint.Placeholders;
import dev.tenantry.api.cell.Deployment;
import dev.tenantry.api.cell.SecretRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secrets delivered to real processes by the process driver, with the server replaced by an in-memory source: in the
 * environment and in files outside the work directory, fetched once per version, and never expanded from a tenant's
 * value that merely reads like a placeholder.
 */
class ReplicaSecretsIT {
    @TempDir
    Path work;
    private ProcessDriver driver;
    private final AtomicInteger fetches = new AtomicInteger();

    @AfterEach
    void stop() {
        if (driver != null) driver.close();
    }

    @Test
    void aReplicaGetsItsSecretsAsEnvironmentAndFileAndATenantsLookalikeStaysText() throws Exception {
        Map<String, String> values = Map.of("apiKey", "k-" + System.nanoTime(), "cert", "-----BEGIN CERT-----\nabc\n");
        driver = new ProcessDriver(work, new DriverSettings(Duration.ofSeconds(1), 10), () -> { }, () -> { }, d -> {
            fetches.incrementAndGet();
            return values;
        });
        // a tenant's parameter that reads {{secrets.apiKey}} arrives from the server as a literal
        Map<String, String> env = Map.of("API_KEY", "{{secrets.apiKey}}", "CERT_FILE", "{{secretFiles.cert}}",
                "GREETING", Placeholders.literal("{{secrets.apiKey}}"), "BOTH", "port {{ports.http}} key {{secrets.apiKey}}");
        Component c = new Component("web", List.of("/bin/sh", "-c", "env > env.txt; cat \"$CERT_FILE\" > cert.txt; exec sleep 60"), List.of(),
                env, List.of(new dev.tenantry.api.blueprint.PortSpec("http")), null, null, 1);
        Deployment d = new Deployment("u1", "acme", "vault", 1, "svc", "1.0.0", List.of(c), null, null, null, false, null, null,
                Map.of("apiKey", new SecretRef("service:svc", 1), "cert", new SecretRef("tenant:acme", 2)), null);
        driver.apply(List.of(d));
        Path replica = work.resolve("instances/u1/replicas/web-0");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(replica.resolve("cert.txt")) && Files.size(replica.resolve("cert.txt")) > 0);
        Map<String, String> seen = Files.readAllLines(replica.resolve("env.txt")).stream().filter(l -> l.contains("="))
                .collect(Collectors.toMap(l -> l.substring(0, l.indexOf('=')), l -> l.substring(l.indexOf('=') + 1), (a, b) -> b));
        assertThat(seen).containsEntry("API_KEY", values.get("apiKey"))
                .containsEntry("GREETING", "{{secrets.apiKey}}")
                .containsEntry("BOTH", "port " + driver.observe().getFirst().replicas().getFirst().ports().get("http") + " key " + values.get("apiKey"));
        assertThat(Files.readString(replica.resolve("cert.txt"))).isEqualTo(values.get("cert"));
        Path file = Path.of(seen.get("CERT_FILE"));
        assertThat(file.startsWith(work)).as("the secret file is outside the work directory").isFalse();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(fetches.get()).isOne();

        for (String value : values.values()) {
            try (Stream<Path> files = Files.walk(work)) {
                for (Path f : files.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().endsWith(".txt")).toList()) {
                    assertThat(Files.readString(f)).as("the work directory's " + f).doesNotContain(value.strip());
                }
            }
        }
        driver.apply(List.of());
        await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(file));
        assertThat(file.getParent().getParent()).as("the instance's secret directory goes with it").doesNotExist();
    }

    @Test
    void withoutASourceAReplicaThatNeedsSecretsDoesNotStart() throws Exception {
        driver = new ProcessDriver(work, new DriverSettings(Duration.ofSeconds(1), 10), () -> { });
        Component c = new Component("web", List.of("/bin/sh", "-c", "echo started; exec sleep 60"), List.of(),
                Map.of("API_KEY", "{{secrets.apiKey}}"), List.of(), null, null, 1);
        driver.apply(List.of(new Deployment("u2", "acme", "nokey", 1, "svc", "1.0.0", List.of(c), null, null, null, false, null, null,
                Map.of("apiKey", new SecretRef("service:svc", 1)), null)));
        Thread.sleep(1500);
        Path log = work.resolve("instances/u2/logs/web-0.log");
        assertThat(!Files.exists(log) || !Files.readString(log).contains("started")).as("no process ran without its secret").isTrue();
    }
}
