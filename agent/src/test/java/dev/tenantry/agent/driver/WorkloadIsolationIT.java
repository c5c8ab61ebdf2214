package dev.tenantry.agent.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tenantry.api.blueprint.Component;
import dev.tenantry.api.cell.Deployment;
import dev.tenantry.api.cell.ObservedReplica;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent running as root starts each tenant's workloads as a user of that tenant's own: one tenant's process
 * cannot read another tenant's data directory nor the environment of its processes. Needs root (CI runs as root).
 */
class WorkloadIsolationIT {
    @TempDir
    Path work;
    private ProcessDriver driver;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid")), "the agent runs as root");
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwx--x--x")); // other users may pass through
        driver = new ProcessDriver(work, new DriverSettings(Duration.ofSeconds(1), 10), () -> { });
    }

    @AfterEach
    void stop() {
        if (driver != null) driver.close();
    }

    private static Deployment deployment(String uid, String tenant, String script, Map<String, String> env) {
        Component c = new Component("web", List.of("/bin/sh", "-c", script), List.of(), env, List.of(), null, null, 1);
        return new Deployment(uid, tenant, "app", 1, "svc", "1.0.0", List.of(c), null, null, null, false);
    }

    private ObservedReplica replica(String uid) {
        return driver.observe().stream().filter(o -> o.instanceUid().equals(uid)).findFirst()
                .flatMap(o -> o.replicas().stream().findFirst()).orElse(null);
    }

    @Test
    void aTenantsProcessCannotReadAnotherTenantsDataOrEnvironment() throws Exception {
        Deployment acme = deployment("ia", "acme", "id -u > \"$TENANTRY_DATA_DIR/uid\"; echo acme-data-secret > \"$TENANTRY_DATA_DIR/secret\"; exec sleep 60",
                Map.of("API_KEY", "acme-env-secret"));
        driver.apply(List.of(acme));
        Path acmeData = work.resolve("instances/ia/data");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(acmeData.resolve("secret")) && replica("ia") != null && replica("ia").pid() != null);
        long acmePid = replica("ia").pid();

        String snoop = "id -u > \"$TENANTRY_DATA_DIR/uid\"; cat " + acmeData.resolve("secret") + " > \"$TENANTRY_DATA_DIR/data.txt\" 2>&1;"
                + " cat /proc/" + acmePid + "/environ > \"$TENANTRY_DATA_DIR/environ.txt\" 2>&1; touch \"$TENANTRY_DATA_DIR/done\"; exec sleep 60";
        driver.apply(List.of(acme, deployment("ib", "globex", snoop, Map.of())));
        Path globexData = work.resolve("instances/ib/data");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(globexData.resolve("done")));

        assertThat(Files.readString(globexData.resolve("data.txt"))).contains("Permission denied").doesNotContain("acme-data-secret");
        assertThat(Files.readString(globexData.resolve("environ.txt"))).contains("Permission denied").doesNotContain("acme-env-secret");
        int acmeUid = Integer.parseInt(Files.readString(acmeData.resolve("uid")).strip());
        int globexUid = Integer.parseInt(Files.readString(globexData.resolve("uid")).strip());
        assertThat(acmeUid).isGreaterThanOrEqualTo(WorkloadUsers.FIRST_ID).isNotEqualTo(globexUid);
        assertThat(globexUid).isGreaterThanOrEqualTo(WorkloadUsers.FIRST_ID);
        assertThat(Files.getAttribute(acmeData, "unix:uid")).isEqualTo(acmeUid);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(acmeData))).isEqualTo("rwx------");
        assertThat(Files.readString(work.resolve(WorkloadUsers.FILE))).contains("\"acme\":" + acmeUid).contains("\"globex\":" + globexUid);

        driver.close();
        driver = new ProcessDriver(work, new DriverSettings(Duration.ofSeconds(1), 10), () -> { });
        driver.apply(List.of(deployment("ic", "acme", "id -u > \"$TENANTRY_DATA_DIR/uid\"; exec sleep 60", Map.of())));
        Path again = work.resolve("instances/ic/data/uid");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(again) && !Files.readString(again).isBlank());
        assertThat(Integer.parseInt(Files.readString(again).strip())).as("a tenant keeps its user across agent restarts").isEqualTo(acmeUid);
    }
}
