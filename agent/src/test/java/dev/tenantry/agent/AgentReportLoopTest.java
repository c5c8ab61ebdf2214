package dev.tenantry.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tenantry.agent.driver.ChangedInstances;
import dev.tenantry.agent.driver.DriverSettings;
import dev.tenantry.api.Json;
import dev.tenantry.api.blueprint.Component;
import dev.tenantry.api.cell.CellDesiredState;
import dev.tenantry.api.cell.Deployment;
import dev.tenantry.api.cell.ObservedInstance;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's report loop against a stand-in for the server (the JDK's HTTP server answering the cell's routes): a change
 * the driver only notes (a replica's launch, which wakes no report of its own) goes with a report within about a second,
 * not at the next heartbeat.
 */
class AgentReportLoopTest {
    private static final Duration HEARTBEAT = Duration.ofSeconds(30);

    @TempDir
    Path work;

    /** One instance whose observation the test sets; a change it notes wakes nobody. */
    private static final class NotingDriver extends StubDriver {
        private volatile ObservedInstance observed = observation("waiting to start");
        private volatile boolean noted;
        /** Purged is the last the agent asks of its driver when it applies a desired state, before it wakes its report loop. */
        private volatile boolean applied;
        /** The report loop asked what changed after the desired state was applied (the agent's monitor orders the two). */
        private volatile boolean askedAfterApply;

        @Override public List<String> purge(List<String> instanceUids) {
            applied = true;
            return List.of();
        }

        void noteQuietly(ObservedInstance now) {
            observed = now;
            noted = true;
        }

        @Override public boolean changesNoted() { return noted; }
        @Override public ChangedInstances.Taken changes() {
            askedAfterApply = askedAfterApply || applied;
            boolean any = noted;
            noted = false;
            return new ChangedInstances.Taken(false, any ? Set.of("u1") : Set.of());
        }
        @Override public List<ObservedInstance> observe() { return List.of(observed); }
        @Override public List<ObservedInstance> observe(Collection<String> instanceUids) {
            return instanceUids.contains("u1") ? List.of(observed) : List.of();
        }
    }

    private static ObservedInstance observation(String message) {
        return new ObservedInstance("u1", 1, ObservedInstance.State.STARTING, message, List.of(), null, null);
    }

    @Test
    void aChangeTheDriverOnlyNotesIsReportedWithinSecondsNotAtTheHeartbeat() throws Exception {
        List<String> reports = new CopyOnWriteArrayList<>();
        Component web = new Component("web", List.of("/bin/true"), List.of(), Map.of(), List.of(), null, null, 1);
        String desired = Json.write(new CellDesiredState("local", 1, true,
                List.of(new Deployment("u1", "acme", "one", 1, "svc", "1.0.0", List.of(web), null, null, null, false)), List.of(), List.of()));
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", ex -> answer(ex, 404, "{}"));
        server.createContext("/v1/cells/local", ex -> answer(ex, ex.getRequestURI().getPath().equals("/v1/cells/local") ? 200 : 404, "{}"));
        server.createContext("/v1/cells/local/desired", ex -> {
            if (!ex.getRequestURI().getQuery().startsWith("after=-1")) sleepQuietly(Duration.ofSeconds(20)); // nothing new: a long poll
            answer(ex, 200, desired);
        });
        server.createContext("/v1/cells/local/status", ex -> {
            reports.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            answer(ex, 204, null);
        });
        server.start();
        NotingDriver driver = new NotingDriver();
        Agent agent = new Agent(new Agent.Config("http://127.0.0.1:" + server.getAddress().getPort(), "token", "local", null, work,
                DriverSettings.DEFAULT, null, new AgentTiming(Duration.ofSeconds(25), HEARTBEAT, Duration.ofMinutes(5))),
                routes -> { }, uid -> null, null, Clock.systemUTC(), (dir, settings, onChange, onRoutesChanged, secrets) -> driver);
        try {
            agent.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> reports.stream().anyMatch(r -> r.contains("waiting to start")));
            // the look the applied state woke is over: from now on only the heartbeat, or the noted change, makes a report
            await().atMost(Duration.ofSeconds(10)).until(() -> driver.askedAfterApply);
            int before = reports.size();

            long noted = System.nanoTime();
            driver.noteQuietly(observation("launched"));
            await().atMost(Duration.ofSeconds(5)).until(() -> reports.stream().skip(before).anyMatch(r -> r.contains("launched")));
            assertThat(Duration.ofNanos(System.nanoTime() - noted)).as("reported with the loop's next look (every second), not the heartbeat (%s)", HEARTBEAT)
                    .isLessThan(Duration.ofSeconds(3));
        } finally {
            agent.detach();
            server.stop(0);
        }
    }

    private static void answer(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, body == null ? -1 : bytes.length);
        if (body != null) ex.getResponseBody().write(bytes);
        ex.close();
    }

    private static void sleepQuietly(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
