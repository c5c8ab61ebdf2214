package dev.tenantry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantry.agent.Agent;
import dev.tenantry.agent.driver.DriverSettings;
import dev.tenantry.agent.driver.HollowDriver;
import dev.tenantry.api.Json;
import dev.tenantry.api.cell.CellRegistration;
import dev.tenantry.api.model.Role;
import dev.tenantry.api.model.TokenCreate;
import dev.tenantry.server.TenantryServer;
import dev.tenantry.server.domain.ApiLimits;
import dev.tenantry.server.store.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingStream;
import org.junit.jupiter.api.Test;

/**
 * A fleet far larger than one machine's processes: 1,000 instances on two cells whose agents run the hollow driver
 * (simulated replicas; the agents, server, API and PostgreSQL are real). Every instance runs; then both agents stop and
 * new ones start at once, and they adopt every instance (the same replicas, started when they were) with no instance
 * leaving RUNNING. The suite runs it twice: on the JDK that builds (25 here) and on JDK 21 ({@code scripts/jdk21.sh}),
 * where a virtual thread that parks inside a monitor or a native frame pins its carrier; a JFR stream of
 * {@code jdk.VirtualThreadPinned} over the whole run must see no pin of 20 ms or more.
 */
class HollowFleetIT extends SplitProcesses {
    private static final int INSTANCES = 1000;
    private static final int PER_TENANT = 50;
    private static final List<String> CELLS = List.of("hollow-a", "hollow-b");

    @Test
    void aThousandHollowInstancesRunAndEveryAgentRestartingAtOnceAdoptsThem() throws Exception {
        home = Files.createTempDirectory("tenantry-hollow-");
        Map<Path, HollowDriver.Machine> machines = new ConcurrentHashMap<>();
        List<Agent> agents = new ArrayList<>();
        List<String> pinned = new CopyOnWriteArrayList<>();
        try (RecordingStream pins = new RecordingStream();
             EmbeddedPostgres pg = EmbeddedPostgres.start(home.resolve("postgres"));
             TenantryServer server = TenantryServer.start(new TenantryServer.Config(pg.jdbcUrl(), pg.user(), pg.password(), "127.0.0.1", 0, 4,
                     null, new ApiLimits(0, 0), SecurityOptions.settings(home.resolve("master.key"), null).withAgentTokens(true)))) {
            pins.enable("jdk.VirtualThreadPinned").withThreshold(Duration.ofMillis(20)).withStackTrace();
            // JDBI emits an event per statement while any recording runs, and JFR's own writing of it can pin a carrier
            // (29 ms once in JFR's string pool, a failed suite run): this recording is for Tenantry's waits, not JFR's
            pins.disable(org.jdbi.v3.core.statement.JdbiStatementEvent.NAME);
            pins.onEvent("jdk.VirtualThreadPinned", e -> pinned.add(e.getDuration().toMillis() + " ms at " + frames(e)));
            pins.startAsync();
            api = server.url();
            admin = HomeFiles.token(home.resolve("admin.token"), server.services().tokens(), new TokenCreate("admin", Role.admin, null, null)).secret();
            call("POST", "/v1/services", Map.of("name", "hello"));
            call("POST", "/v1/services/hello/releases", Map.of("version", "1.0.0", "blueprint", Json.YAML.readTree(TestPlane.helloBlueprint("/healthz"))));
            call("POST", "/v1/services/hello/plans", Map.of("name", "basic"));
            for (int t = 0; t < INSTANCES / PER_TENANT; t++) call("POST", "/v1/tenants", Map.of("id", "t" + t));
            Map<String, String> tokens = new HashMap<>();
            for (String cell : CELLS) {
                tokens.put(cell, call("POST", "/v1/tokens", Map.of("name", cell, "role", "agent", "cell", cell)).path("secret").asText());
                agents.add(agent(home, cell, tokens.get(cell), machines).start());
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> call("GET", "/v1/cells", null).path("items").size() == CELLS.size());

            AtomicInteger next = new AtomicInteger();
            try (ExecutorService clients = Executors.newFixedThreadPool(16)) {
                List<Future<?>> done = new ArrayList<>();
                for (int c = 0; c < 16; c++) {
                    done.add(clients.submit(() -> {
                        for (int i = next.getAndIncrement(); i < INSTANCES; i = next.getAndIncrement()) {
                            call("POST", "/v1/tenants/t" + (i / PER_TENANT) + "/instances", Map.of("name", "i" + i, "service", "hello", "plan", "basic"));
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) f.get();
            }
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).until(() -> phases().getOrDefault("RUNNING", 0) == INSTANCES);
            JsonNode cells = call("GET", "/v1/cells", null).path("items");
            assertThat(cells).allMatch(c -> c.path("driver").asText().equals("hollow") && c.path("instances").asInt() > 0);
            assertThat(cells.get(0).path("instances").asInt() + cells.get(1).path("instances").asInt()).isEqualTo(INSTANCES);
            assertThat(machines.values().stream().mapToInt(HollowDriver.Machine::size).sum()).isEqualTo(INSTANCES);
            String startedBefore = startedAt("t3", "i170");

            agents.forEach(Agent::detach);
            agents.clear();
            for (String cell : CELLS) agents.add(agent(home, cell, tokens.get(cell), machines).start());
            await().atMost(Duration.ofSeconds(30)).until(() -> agents.stream().allMatch(Agent::synced));
            for (int check = 0; check < 5; check++) {
                assertThat(phases()).as("no instance leaves RUNNING while its agent restarts").containsExactly(Map.entry("RUNNING", INSTANCES));
                Thread.sleep(500);
            }
            assertThat(startedAt("t3", "i170")).as("adopted, not started again").isEqualTo(startedBefore);
            assertThat(machines.values().stream().mapToInt(HollowDriver.Machine::size).sum()).isEqualTo(INSTANCES);
            pins.stop(); // delivers what was recorded
            assertThat(pinned).as("virtual threads that pinned their carrier on Java " + Runtime.version()).isEmpty();
        } finally {
            agents.forEach(Agent::close);
        }
    }

    /** The top frames of the event's stack, where the virtual thread parked while pinned. */
    private static String frames(RecordedEvent event) {
        if (event.getStackTrace() == null) return "(no stack)";
        return event.getStackTrace().getFrames().stream().limit(12)
                .map(f -> f.getMethod().getType().getName() + "." + f.getMethod().getName() + ":" + f.getLineNumber())
                .collect(java.util.stream.Collectors.joining(" < "));
    }

    private Agent agent(Path home, String cell, String token, Map<Path, HollowDriver.Machine> machines) {
        CellRegistration registration = new CellRegistration("bench", "hollow", INSTANCES, "hollow.test", "http://{host}/");
        Agent.Config config = new Agent.Config(api, token, cell, registration, home.resolve(cell), DriverSettings.DEFAULT);
        return new Agent(config, routes -> { }, uid -> null, null, Clock.systemUTC(), HollowDriver.factory(Duration.ofMillis(200), machines));
    }

    private Map<String, Integer> phases() throws Exception {
        Map<String, Integer> phases = new HashMap<>();
        for (int t = 0; t < INSTANCES / PER_TENANT; t++) {
            for (JsonNode i : call("GET", "/v1/tenants/t" + t + "/instances?limit=" + PER_TENANT, null).path("items")) {
                phases.merge(i.path("status").path("phase").asText(), 1, Integer::sum);
            }
        }
        return phases;
    }

    private String startedAt(String tenant, String name) throws Exception {
        return call("GET", "/v1/tenants/" + tenant + "/instances/" + name, null).path("status").path("replicas").get(0).path("startedAt").asText();
    }
}
