package dev.tenantry.agent.driver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.api.blueprint.Component;
import dev.tenantry.api.cell.Deployment;
import dev.tenantry.api.cell.ObservedInstance;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The hollow driver of benchmarks: simulated replicas become healthy after the delay, and outlive an agent that detaches. */
class HollowDriverTest {
    private static final Duration DELAY = Duration.ofSeconds(2);
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private final HollowDriver.Machine machine = new HollowDriver.Machine();
    private final AtomicInteger changes = new AtomicInteger();

    private static Deployment deployment(String uid, long generation, int replicas, boolean hibernated) {
        Component web = new Component("web", List.of("/bin/false"), List.of(), Map.of(), List.of(), null, null, replicas);
        return new Deployment(uid, "acme", "app-" + uid, generation, "svc", "1.0." + generation, List.of(web), null, null, null, hibernated);
    }

    private HollowDriver driver(Instant now) {
        return new HollowDriver(machine, DELAY, changes::incrementAndGet, Clock.fixed(now, ZoneOffset.UTC));
    }

    private static ObservedInstance only(HollowDriver driver) {
        assertThat(driver.observe()).hasSize(1);
        return driver.observe().getFirst();
    }

    @Test
    void replicasStartAndBecomeHealthyAfterTheDelay() {
        HollowDriver starting = driver(T0);
        starting.apply(List.of(deployment("u1", 1, 3, false)));
        ObservedInstance early = only(starting);
        assertThat(early.state()).isEqualTo(ObservedInstance.State.STARTING);
        assertThat(early.replicas()).hasSize(3).noneMatch(r -> r.healthy());
        assertThat(changes).hasValue(1);
        starting.detach();

        HollowDriver later = driver(T0.plus(DELAY));
        later.adoptRunning(List.of(deployment("u1", 1, 3, false)));
        later.apply(List.of(deployment("u1", 1, 3, false)));
        ObservedInstance healthy = only(later);
        assertThat(healthy.state()).isEqualTo(ObservedInstance.State.RUNNING);
        assertThat(healthy.replicas()).allMatch(r -> r.healthy() && r.healthySince().equals(T0.plus(DELAY)) && r.pid() == null);
        assertThat(later.routes()).as("a hollow instance serves nothing").isEmpty();
        later.close();
    }

    @Test
    void aNewGenerationStartsItsReplicasAgain() {
        HollowDriver first = driver(T0);
        first.apply(List.of(deployment("u1", 1, 1, false)));
        first.detach();
        HollowDriver second = driver(T0.plusSeconds(60));
        second.apply(List.of(deployment("u1", 2, 1, false)));
        ObservedInstance restarted = only(second);
        assertThat(restarted.generation()).isEqualTo(2);
        assertThat(restarted.state()).isEqualTo(ObservedInstance.State.STARTING);
        assertThat(restarted.replicas().getFirst().startedAt()).isEqualTo(T0.plusSeconds(60));
        second.close();
    }

    @Test
    void whatANextAgentNoLongerWantsStopsAndIsPurgeable() {
        HollowDriver first = driver(T0);
        first.apply(List.of(deployment("u1", 1, 1, false), deployment("u2", 1, 1, false)));
        first.detach();
        assertThat(machine.size()).as("a detached agent leaves its workloads running").isEqualTo(2);
        HollowDriver next = driver(T0.plusSeconds(5));
        next.adoptRunning(List.of(deployment("u2", 1, 1, false)));
        assertThat(machine.size()).isEqualTo(1);
        assertThat(next.purge(List.of("u1", "u2"))).containsExactly("u1");
        next.close();
        assertThat(machine.size()).as("a closed driver stops everything").isZero();
    }

    @Test
    void aHibernatedInstanceRunsNoReplicaUntilWoken() {
        HollowDriver driver = driver(T0);
        driver.apply(List.of(deployment("u1", 1, 2, true)));
        assertThat(only(driver).replicas()).isEmpty();
        assertThat(driver.wake("u1")).isTrue();
        assertThat(driver.wake("u1")).as("already awake").isFalse();
        assertThat(driver.wake("nope")).isFalse();
        assertThat(only(driver).replicas()).hasSize(2);
        assertThat(only(driver).state()).isEqualTo(ObservedInstance.State.STARTING);
        driver.close();
    }

    @Test
    void theFactoryKeepsOneMachinePerWorkDirectory() {
        Map<Path, HollowDriver.Machine> machines = new HashMap<>();
        Driver.Factory factory = HollowDriver.factory(Duration.ZERO, machines);
        Driver a = factory.create(Path.of("cells/a"), DriverSettings.DEFAULT, () -> { }, () -> { }, SecretSource.NONE);
        a.apply(List.of(deployment("u1", 1, 1, false)));
        a.detach();
        Driver again = factory.create(Path.of("cells/a"), DriverSettings.DEFAULT, () -> { }, () -> { }, SecretSource.NONE);
        Driver b = factory.create(Path.of("cells/b"), DriverSettings.DEFAULT, () -> { }, () -> { }, SecretSource.NONE);
        assertThat(again.observe()).hasSize(1).allMatch(o -> o.state() == ObservedInstance.State.RUNNING);
        assertThat(b.observe()).isEmpty();
        assertThat(machines).hasSize(2);
        again.close();
        b.close();
    }

    @Test
    void itNamesTheInstancesWhoseObservationChangedSinceItWasLastAsked() {
        HollowDriver driver = driver(T0);
        assertThat(driver.changes().all()).as("a new driver has not said anything yet").isTrue();
        driver.apply(List.of(deployment("u1", 1, 1, false), deployment("u2", 1, 1, false)));
        assertThat(driver.changes()).isEqualTo(new ChangedInstances.Taken(false, java.util.Set.of("u1", "u2")));
        assertThat(driver.changes().uids()).as("taken: nothing since").isEmpty();
        driver.apply(List.of(deployment("u1", 1, 1, false), deployment("u3", 1, 1, false)));
        assertThat(driver.changes().uids()).as("u2 stopped, u3 started, u1 unchanged").containsExactlyInAnyOrder("u2", "u3");
        assertThat(driver.observe(List.of("u2", "u3", "nope"))).extracting(ObservedInstance::instanceUid).containsExactly("u3");
        driver.close();
    }

    @Test
    void anInstanceBecomingHealthyIsNamedAsChanged() throws InterruptedException {
        HollowDriver driver = new HollowDriver(machine, Duration.ofMillis(50), changes::incrementAndGet, Clock.systemUTC());
        driver.apply(List.of(deployment("u1", 1, 1, false)));
        driver.changes();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (changes.get() < 2 && System.nanoTime() < deadline) Thread.sleep(10);
        assertThat(driver.changes().uids()).containsExactly("u1");
        assertThat(driver.observe(List.of("u1")).getFirst().state()).isEqualTo(ObservedInstance.State.RUNNING);
        driver.close();
    }
}
