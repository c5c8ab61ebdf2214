package dev.tenantry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantry.api.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Crash safety with real processes: 50 concurrent creates, then 50 concurrent lifecycle operations (scale, rolling
 * restart, stop, delete, update), while the server and the agent are killed with SIGKILL at random moments and
 * started again. Clients retry what got no answer, as a real client would (creates with their Idempotency-Key,
 * changes with If-Match). Afterwards every accepted operation has succeeded, every instance is what was asked,
 * and the real workload processes (found in /proc) are exactly the wanted replicas: none twice, none orphaned.
 * The random moments come from a seed the test prints; {@code -Dcrash.seed=N} repeats a run.
 */
class CrashE2E extends SplitProcesses {
    private static final int INSTANCES = 50;
    private static final Duration CLIENT_PATIENCE = Duration.ofMinutes(4);
    private static final Duration CONVERGENCE = Duration.ofMinutes(4);

    private enum Change { SCALE, RESTART, STOP, DELETE, UPDATE }

    private final long seed = Long.getLong("crash.seed", System.nanoTime());
    private final Random random = new Random(seed);
    private final Set<String> accepted = ConcurrentHashMap.newKeySet();
    private final List<String> kills = Collections.synchronizedList(new ArrayList<>());
    private final java.util.concurrent.atomic.AtomicInteger unanswered = new java.util.concurrent.atomic.AtomicInteger();
    private int apiPort;
    private Path workDir;
    private String[] agentArgs;
    private volatile Process server;
    private volatile Process agent;
    private int restarts;

    @Test
    void everyAcceptedOperationSurvivesKilledServersAndAgentsWithNoDuplicateOrOrphanProcess() throws Exception {
        System.out.println("CrashE2E seed " + seed + " (repeat with -Dcrash.seed=" + seed + ")");
        home = Files.createTempDirectory("tenantry-e2e-crash-");
        apiPort = freePort();
        server = startServer(home.resolve("server-0.log"), apiPort, AGENT_TOKENS);
        String agentToken = call("POST", "/v1/tokens", Map.of("name", "edge agent", "role", "agent", "cell", "edge")).path("secret").asText();
        workDir = home.resolve("edge");
        agentArgs = new String[] {"agent", "--server", api, "--token", agentToken, "--cell", "edge", "--capacity", "100",
                "--work-dir", workDir.toString(), "--gateway-port", String.valueOf(freePort())};
        agent = launch(home.resolve("agent-0.log"), agentArgs);
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> call("GET", "/v1/cells/edge", null).path("online").asBoolean());
        createHelloAndInitech();

        concurrentlyWithKills(i -> create(i));
        awaitAcceptedOperationsSucceeded();
        concurrentlyWithKills(i -> change(i, Change.values()[i % Change.values().length]));
        awaitAcceptedOperationsSucceeded();
        System.out.println("CrashE2E kills: " + kills + "; requests without an answer (retried): " + unanswered);

        assertThat(accepted).as("one operation per create and per change, retries included").hasSize(2 * INSTANCES);
        JsonNode all = call("GET", "/v1/tenants/initech/instances?includeDeleted=true&limit=1000", null).path("items");
        assertThat(all).as("no create made a second instance").hasSize(INSTANCES);
        await().atMost(CONVERGENCE).pollInterval(Duration.ofSeconds(1)).untilAsserted(this::instancesAreAsAsked);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(this::processesAreExactlyTheWantedReplicas);
        for (int i = Change.UPDATE.ordinal(); i < INSTANCES; i += Change.values().length) {
            HttpResponse<String> page = viaGateway(gatewayPort(), name(i) + ".initech.localhost");
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("Crashproof, initech!");
        }
    }

    private interface Client {
        void run(int instance) throws Exception;
    }

    /**
     * Runs one client call per instance, all at once, while the server is killed twice and the agent once at random
     * moments (each started again at once); returns when every call was accepted and the killing is over.
     */
    private void concurrentlyWithKills(Client client) throws Exception {
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Object>> calls = IntStream.range(0, INSTANCES).mapToObj(i -> clients.submit(() -> {
                client.run(i);
                return null;
            })).toList();
            List<String> victims = new ArrayList<>(List.of("server", "agent", "server"));
            Collections.shuffle(victims, random);
            for (int k = 0; k < victims.size(); k++) {
                // the first kill often lands while requests are being accepted, later ones while the work is done
                Thread.sleep(k == 0 ? random.nextInt(1000) : 200 + random.nextInt(3000));
                if (victims.get(k).equals("server")) restartServer();
                else restartAgent();
            }
            for (Future<Object> call : calls) call.get(CLIENT_PATIENCE.toSeconds(), TimeUnit.SECONDS);
        }
    }

    private void restartServer() throws Exception {
        kill(server, "server");
        server = startServer(home.resolve("server-" + ++restarts + ".log"), apiPort, AGENT_TOKENS);
    }

    private void restartAgent() throws Exception {
        kill(agent, "agent");
        agent = launch(home.resolve("agent-" + ++restarts + ".log"), agentArgs);
    }

    private void kill(Process process, String what) throws InterruptedException {
        process.destroyForcibly(); // SIGKILL
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        kills.add(what + " at " + Instant.now() + " with " + accepted.size() + " operations accepted");
    }

    /** Creates instance {@code i}, retrying with the same Idempotency-Key until the server accepts it. */
    private void create(int i) throws Exception {
        Map<String, Object> body = Map.of("name", name(i), "service", "hello", "plan", "basic");
        Instant deadline = Instant.now().plus(CLIENT_PATIENCE);
        while (true) {
            HttpResponse<String> r = attempt("POST", "/v1/tenants/initech/instances", body, Map.of("Idempotency-Key", "create-" + name(i)));
            if (r != null && r.statusCode() == 202) {
                accepted.add(Json.MAPPER.readTree(r.body()).path("operation").path("id").asText());
                return;
            }
            retryOrFail(r, deadline, "create " + name(i));
        }
    }

    /**
     * Asks for one change of instance {@code i} with If-Match. When an attempt got no answer, the instance tells
     * whether it took effect (a new generation, or deleting): then its operation is the one accepted.
     */
    private void change(int i, Change change) throws Exception {
        String path = "/v1/tenants/initech/instances/" + name(i);
        Instant deadline = Instant.now().plus(CLIENT_PATIENCE);
        JsonNode before = null;
        while (true) {
            HttpResponse<String> got = attempt("GET", path, null, Map.of());
            if (got == null || got.statusCode() >= 500) {
                retryOrFail(got, deadline, "get " + name(i));
                continue;
            }
            JsonNode now = Json.MAPPER.readTree(got.body());
            if (before == null) {
                before = now;
            } else if (now.path("generation").asLong() > before.path("generation").asLong()
                    || (change == Change.DELETE && now.path("status").path("phase").asText().startsWith("DELET"))) {
                accepted.add(now.path("lastOperation").asText());
                return;
            }
            HttpResponse<String> r = switch (change) {
                case SCALE -> attempt("POST", path + "/scale", Map.of("replicas", 2), ifMatch(before));
                case RESTART -> attempt("POST", path + "/restart", null, ifMatch(before));
                case STOP -> attempt("POST", path + "/stop", null, ifMatch(before));
                case DELETE -> attempt("DELETE", path, null, Map.of());
                case UPDATE -> attempt("PATCH", path, Map.of("parameters", Map.of("greeting", "Crashproof")), ifMatch(before));
            };
            if (r != null && r.statusCode() == 202) {
                accepted.add(Json.MAPPER.readTree(r.body()).path("operation").path("id").asText());
                return;
            }
            retryOrFail(r, deadline, change + " " + name(i));
        }
    }

    private static Map<String, String> ifMatch(JsonNode instance) {
        return Map.of("If-Match", instance.path("etag").asText());
    }

    /** No answer (the server died or is starting) or a 5xx: wait a little and try again; anything else is a failure. */
    private static void retryOrFail(HttpResponse<String> r, Instant deadline, String what) throws InterruptedException {
        if (r != null && r.statusCode() < 500) throw new AssertionError(what + ": " + r.statusCode() + " " + r.body());
        if (Instant.now().isAfter(deadline)) throw new AssertionError(what + ": no answer for " + CLIENT_PATIENCE);
        Thread.sleep(200);
    }

    /** One request; null when there is no answer (connection refused or cut by a kill). */
    private HttpResponse<String> attempt(String method, String path, Object body, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json");
        headers.forEach(b::header);
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(Json.write(body)));
        try {
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            unanswered.incrementAndGet();
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Waits until every accepted operation succeeded; a failed one fails the test at once (an exception, not an assertion to wait out). */
    private void awaitAcceptedOperationsSucceeded() {
        await().atMost(CONVERGENCE).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            for (String id : accepted) {
                JsonNode op = call("GET", "/v1/operations/" + id, null);
                if (op.path("state").asText().equals("FAILED")) throw new IllegalStateException("operation failed: " + op);
                assertThat(op.path("state").asText()).as(op.toString()).isEqualTo("SUCCEEDED");
            }
        });
    }

    private void instancesAreAsAsked() throws Exception {
        for (int i = 0; i < INSTANCES; i++) {
            JsonNode instance = call("GET", "/v1/tenants/initech/instances/" + name(i), null);
            JsonNode status = instance.path("status");
            Change change = Change.values()[i % Change.values().length];
            String phase = switch (change) {
                case STOP -> "STOPPED";
                case DELETE -> "DELETED";
                default -> "RUNNING";
            };
            assertThat(status.path("phase").asText()).as(name(i) + " " + change).isEqualTo(phase);
            if (change == Change.DELETE) continue;
            assertThat(status.path("observedGeneration").asLong()).as(name(i)).isEqualTo(instance.path("generation").asLong());
            JsonNode replicas = status.path("replicas");
            assertThat(replicas).as(name(i) + " replicas").hasSize(expectedReplicas(change));
            for (JsonNode r : replicas) assertThat(r.path("healthy").asBoolean()).as(name(i) + " " + r).isTrue();
        }
    }

    /** The processes marked as this agent's workloads are one per wanted replica, and the ones the API reports. */
    private void processesAreExactlyTheWantedReplicas() throws Exception {
        Map<String, Long> reported = new HashMap<>();
        for (int i = 0; i < INSTANCES; i++) {
            for (JsonNode r : call("GET", "/v1/tenants/initech/instances/" + name(i), null).path("status").path("replicas")) {
                reported.put("initech/" + name(i) + "#" + r.path("index").asText(), r.path("pid").asLong());
            }
        }
        List<WorkloadProcesses.Workload> running = WorkloadProcesses.of(workDir);
        Map<String, Long> found = new HashMap<>();
        for (WorkloadProcesses.Workload w : running) {
            Long other = found.put(w.slot(), w.pid());
            assertThat(other).as("a second process for replica " + w.slot() + ": " + w.pid() + " and " + other).isNull();
        }
        int wanted = IntStream.range(0, INSTANCES).map(i -> expectedReplicas(Change.values()[i % Change.values().length])).sum();
        assertThat(found).as("workload processes (stopped and deleted instances have none)").hasSize(wanted).isEqualTo(reported);
    }

    private static int expectedReplicas(Change change) {
        return switch (change) {
            case SCALE -> 2;
            case STOP, DELETE -> 0;
            case RESTART, UPDATE -> 1;
        };
    }

    private int gatewayPort() {
        return Integer.parseInt(agentArgs[agentArgs.length - 1]);
    }

    private static String name(int i) {
        return "c%02d".formatted(i);
    }
}
