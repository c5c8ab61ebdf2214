package dev.tenantry.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tenantry.agent.driver.DriverSettings;
import dev.tenantry.api.blueprint.Component;
import dev.tenantry.api.cell.CellDesiredState;
import dev.tenantry.api.cell.Deployment;
import dev.tenantry.api.cell.ObservedInstance;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a report says runs and the revision it says that at, against a desired state applied meanwhile (no server: nothing is sent). */
class AgentObservationTest {
    @TempDir
    Path work;

    /** Runs the deployments of the last apply, in memory; one observation can be held at its start until the test lets it go on. */
    private static final class PausingDriver extends StubDriver {
        private volatile List<Deployment> running = List.of();
        private volatile CountDownLatch observing;
        private volatile CountDownLatch resume;

        void pauseNextObservation() {
            observing = new CountDownLatch(1);
            resume = new CountDownLatch(1);
        }

        @Override
        public List<ObservedInstance> observe() {
            CountDownLatch entered = observing;
            if (entered != null) {
                observing = null;
                entered.countDown();
                try {
                    resume.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return running.stream().map(d -> new ObservedInstance(d.instanceUid(), d.generation(), ObservedInstance.State.RUNNING, null,
                    List.of(), null, null)).toList();
        }

        @Override public void apply(List<Deployment> desired) { running = List.copyOf(desired); }
    }

    @Test
    void anObservationIsNeverSentWithARevisionOlderThanTheDesiredStateItShows() throws Exception {
        PausingDriver driver = new PausingDriver();
        Agent agent = new Agent(new Agent.Config("http://127.0.0.1:9", "token", "local", null, work, DriverSettings.DEFAULT), routes -> { },
                uid -> null, null, Clock.systemUTC(), (dir, settings, onChange, onRoutesChanged, secrets) -> driver);
        Component web = new Component("web", List.of("/bin/true"), List.of(), Map.of(), List.of(), null, null, 1);
        Deployment doomed = new Deployment("u1", "acme", "doomed", 1, "svc", "1.0.0", List.of(web), null, null, null, false);
        agent.apply(new CellDesiredState("local", 99, true, List.of(doomed), List.of(), List.of()));

        driver.pauseNextObservation();
        CountDownLatch entered = driver.observing;
        try (ExecutorService threads = Executors.newSingleThreadExecutor()) {
            Future<Agent.Observation> report = threads.submit(() -> agent.observeAtAppliedRevision(true, Set.of()));
            assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
            // revision 100 removes the instance while the report's observation is being made
            Thread removal = Thread.ofPlatform().start(() -> {
                try {
                    agent.apply(new CellDesiredState("local", 100, false, List.of(), List.of("u1"), List.of()));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            // the removal is applied by now, or waits for the observation to end
            await().atMost(Duration.ofSeconds(5)).until(() -> !removal.isAlive() || removal.getState() == Thread.State.BLOCKED);
            driver.resume.countDown();
            Agent.Observation o = report.get(5, TimeUnit.SECONDS);
            removal.join(5000);
            assertThat(removal.isAlive()).isFalse();

            boolean shown = o.observed().instances().stream().anyMatch(i -> i.instanceUid().equals("u1"));
            assertThat(shown || o.revision() >= 100)
                    .as("an observation without the removed instance is said at a revision that removed it (revision %d, shown %s)", o.revision(), shown)
                    .isTrue();
        }
    }
}
