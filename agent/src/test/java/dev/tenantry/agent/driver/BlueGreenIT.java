package dev.tenantry.agent.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tenantry.api.blueprint.Component;
import dev.tenantry.api.blueprint.Ingress;
import dev.tenantry.api.blueprint.PortSpec;
import dev.tenantry.api.blueprint.Upgrade;
import dev.tenantry.api.cell.Deployment;
import dev.tenantry.api.cell.ObservedInstance;
import dev.tenantry.api.cell.ObservedReplica;
import dev.tenantry.api.cell.Route;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Blue-green upgrades of one instance with real OS processes: every new replica starts beside the old ones, the route
 * flips in one step, the old replicas stay warm for an instant rollback, and a failing release never takes traffic.
 */
class BlueGreenIT {
    private static final Duration GRACE = Duration.ofSeconds(1);
    @TempDir
    Path work;
    private ProcessDriver driver;

    @BeforeEach
    void start() {
        driver = new ProcessDriver(work, new DriverSettings(GRACE, 10, Duration.ofMillis(100)), () -> { });
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    /** Two replicas of {@code release}; replica 1 of a release other than 1.0.0 exits unless {@code go} is in the data directory. */
    private static Deployment deployment(long generation, String release, int keepWarmSeconds) {
        String script = "if [ \"$TENANTRY_RELEASE\" != 1.0.0 ] && [ \"$TENANTRY_REPLICA\" = 1 ] && [ ! -f \"$TENANTRY_DATA_DIR/go\" ]; then exit 3; fi; exec sleep 120";
        Component c = new Component("web", List.of("/bin/sh", "-c", script), List.of(), Map.of(), List.of(new PortSpec("http")), null, null, 2);
        return new Deployment("bg1", "acme", "shop", generation, "svc", release, List.of(c), new Ingress("web", "http"),
                "shop.acme.localhost", null, false, null, new Upgrade(keepWarmSeconds));
    }

    private ObservedInstance instance() {
        return driver.observe().stream().findFirst().orElseThrow();
    }

    private Set<String> backends() {
        return Set.copyOf(driver.routes().getFirst().backends());
    }

    private Set<String> addresses(ObservedInstance o, boolean standby) {
        return o.replicas().stream().filter(r -> r.standby() == standby).map(r -> "127.0.0.1:" + r.ports().get("http")).collect(Collectors.toSet());
    }

    private static Set<Long> pids(ObservedInstance o, boolean standby) {
        return o.replicas().stream().filter(r -> r.standby() == standby).map(ObservedReplica::pid).collect(Collectors.toSet());
    }

    private ObservedInstance awaitRunning(long generation) {
        await().atMost(Duration.ofSeconds(20)).until(() -> instance().generation() == generation && instance().state() == ObservedInstance.State.RUNNING);
        return instance();
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    @Test
    void theRouteFlipsInOneStepAndTheOldReplicasStayWarmForAnInstantRollback() throws Exception {
        driver.apply(List.of(deployment(1, "1.0.0", 30)));
        ObservedInstance blue = awaitRunning(1);
        Set<String> blueBackends = addresses(blue, false);
        Set<Long> bluePids = pids(blue, false);
        assertThat(blueBackends).hasSize(2);
        Files.writeString(work.resolve("instances/bg1/data/go"), "");

        ConcurrentLinkedQueue<Set<String>> seen = new ConcurrentLinkedQueue<>();
        AtomicBoolean watching = new AtomicBoolean(true);
        Thread watcher = Thread.ofPlatform().start(() -> {
            while (watching.get()) seen.add(backends());
        });
        driver.apply(List.of(deployment(2, "2.0.0", 30)));
        ObservedInstance upgraded = awaitRunning(2);
        Set<String> greenBackends = addresses(upgraded, false);
        // the watcher looks on until it has seen the flip itself (on a busy machine it may not have run since)
        await().atMost(Duration.ofSeconds(10)).until(() -> seen.contains(greenBackends));
        watching.set(false);
        watcher.join();

        assertThat(greenBackends).hasSize(2).doesNotContainAnyElementsOf(blueBackends);
        assertThat(seen).as("every routes snapshot during the upgrade: all old or all new replicas, never a mix or none")
                .allMatch(b -> b.equals(blueBackends) || b.equals(greenBackends));
        assertThat(seen).contains(blueBackends, greenBackends);
        assertThat(driver.routes().getFirst().release()).isEqualTo("2.0.0");
        assertThat(pids(upgraded, true)).as("the old replicas stay warm, out of the routes").isEqualTo(bluePids);
        assertThat(upgraded.replicas().stream().filter(ObservedReplica::standby)).allMatch(r -> r.release().equals("1.0.0"));
        assertThat(bluePids).allMatch(BlueGreenIT::alive);

        long before = System.nanoTime();
        driver.apply(List.of(deployment(3, "1.0.0", 30)));
        await().atMost(Duration.ofSeconds(5)).until(() -> backends().equals(blueBackends));
        Duration flipBack = Duration.ofNanos(System.nanoTime() - before);
        ObservedInstance rolledBack = awaitRunning(3);
        assertThat(pids(rolledBack, false)).as("the rollback takes the warm replicas back: nothing restarted").isEqualTo(bluePids);
        assertThat(rolledBack.replicas().stream().filter(r -> !r.standby())).allMatch(r -> r.restarts() == 0);
        assertThat(addresses(rolledBack, true)).as("now 2.0.0 is the warm one").isEqualTo(greenBackends);
        assertThat(driver.routes().getFirst().release()).isEqualTo("1.0.0");
        assertThat(flipBack).as("an instant rollback (no replica start, no health wait)").isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void warmReplicasStopWhenTheirTimeIsUp() throws Exception {
        driver.apply(List.of(deployment(1, "1.0.0", 3)));
        Set<Long> bluePids = pids(awaitRunning(1), false);
        Files.writeString(work.resolve("instances/bg1/data/go"), "");
        driver.apply(List.of(deployment(2, "1.0.0-patch", 3)));
        awaitRunning(2);
        assertThat(pids(instance(), true)).isEqualTo(bluePids);
        await().atMost(Duration.ofSeconds(10)).until(() -> pids(instance(), true).isEmpty());
        // a cooled replica leaves the observation as its stop begins; its process ends within the stop grace
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(bluePids).as("stopped after keepWarmSeconds").noneMatch(BlueGreenIT::alive));
        assertThat(instance().replicas()).hasSize(2).allMatch(r -> r.release().equals("1.0.0-patch"));
    }

    @Test
    void aReleaseWhoseReplicaFailsNeverTakesTrafficAndTheOldReplicasKeepServing() {
        driver.apply(List.of(deployment(1, "1.0.0", 30)));
        ObservedInstance blue = awaitRunning(1);
        Set<String> blueBackends = addresses(blue, false);
        driver.apply(List.of(deployment(2, "2.0.0", 30)));
        ConcurrentLinkedQueue<Set<String>> seen = new ConcurrentLinkedQueue<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            seen.add(backends());
            return instance().state() == ObservedInstance.State.FAILED;
        });
        assertThat(instance().message()).contains("release 2.0.0 failed", "web-1", "the previous replicas keep serving");
        assertThat(seen).as("the route never left the old replicas").allMatch(blueBackends::equals);
        await().atMost(Duration.ofSeconds(10)).until(() -> instance().replicas().size() == 2);
        assertThat(pids(instance(), false)).isEqualTo(pids(blue, false));
        assertThat(driver.routes().getFirst()).extracting(Route::release).isEqualTo("1.0.0");
    }
}
