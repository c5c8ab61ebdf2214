package dev.tenantry.bench;

import dev.tenantry.server.domain.ApiLimits;
import dev.tenantry.agent.driver.DriverSettings;
import dev.tenantry.api.Json;
import dev.tenantry.app.DevMode;
import dev.tenantry.server.store.EmbeddedPostgres;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Measures provisioning through the whole product and the workload's own start, on the same machine
 * in the same run:
 * <ul>
 *   <li><b>bare</b>: launch the example workload's exact command directly, with a replica's environment, until
 *       it answers its health check and then its first page (start-to-first-page);</li>
 *   <li><b>provision</b>: {@code POST /v1/tenants/{t}/instances}, then poll the instance's URL through
 *       the gateway until the first 200 (provision-to-first-200).</li>
 * </ul>
 * The control-plane overhead is provision minus bare, at p50 and p99, for 1 and for N concurrent creates. The control
 * plane is measured warm: warm-up rounds until its JIT has settled, then one rehearsal of the measured cycle (bare
 * starts, a provisioning round, paced bare starts) that is not counted. With {@code -Dbench.dbStats=true} dev mode's
 * database counts its statements, and each measured provisioning round prints them per create (the counting costs
 * PostgreSQL a little CPU: compare latencies without it).
 */
public final class ProvisioningBenchmark {
    private static final int WARM_UP_ROUNDS = Integer.getInteger("bench.warmUpRounds", 10);
    private static final int MAX_WARM_UP_ROUNDS = Integer.getInteger("bench.maxWarmUpRounds", 100);
    /**
     * The JIT has settled when its compiler threads used less than this in each of the last {@link #SETTLED_ROUNDS} warm-up
     * rounds (0.1 CPU-s: at 0.2, reached after some 40 rounds, the JIT still used 0.1-0.26 CPU-s in each measured round, a
     * tenth to a quarter of the control plane's CPU there, which a server that has run for hours no longer spends).
     */
    private static final double SETTLED_COMPILER_SECONDS = Double.parseDouble(System.getProperty("bench.settledCompilerSeconds", "0.1"));
    private static final int SETTLED_ROUNDS = 3;
    private static final String COMPILER_THREADS = "CN CompilerThre";
    private static final int MEASURED_ROUNDS = Integer.getInteger("bench.measuredRounds", 3);

    /** When set, the CPU of the first this many milliseconds of each measured provisioning round is printed by part (reading it costs a few ms). */
    private static final int EARLY_CPU_MILLIS = Integer.getInteger("bench.earlyCpuMillis", 0);

    /** Prints, once {@code millis} have passed, the CPU used since the call, by thread group and PostgreSQL process role. */
    private static Thread earlyCpu(int millis) throws java.io.IOException {
        CpuMeter meter = CpuMeter.start();
        return Thread.ofPlatform().daemon().start(() -> {
            try {
                Thread.sleep(millis);
                System.out.println("cpu in the round's first " + millis + " ms: " + meter.stop() + "\n  this JVM by thread group (s): "
                        + meter.threadGroups() + "\n  PostgreSQL by process (s): " + meter.postgresRoles());
            } catch (InterruptedException | java.io.IOException e) {
                System.out.println("cpu in the round's first " + millis + " ms: not measured (" + e + ")");
            }
        });
    }

    public static void main(String[] args) throws Exception {
        int rounds = Integer.parseInt(args[0]);
        int concurrency = Integer.parseInt(args[1]);
        Path home = BenchPlane.temporaryHome("tenantry-bench-");
        DriverSettings settings = DriverSettings.DEFAULT.withStartConcurrency(Integer.getInteger("bench.startConcurrency"))
                .withEnforcedSizes(!"false".equals(System.getProperty("bench.enforceSizes")));
        // -Dbench.dbStats=true: dev mode's database in a PostgreSQL of the benchmark's that counts statements, printed per round
        EmbeddedPostgres stats = ScaleServer.DB_STATS ? StatementStatistics.loadInto(EmbeddedPostgres.start(home.resolve("postgres-stats")),
                home.resolve("postgres-stats")) : null;
        try (stats; DevMode dev = DevMode.start(new DevMode.Options(home, stats != null ? stats.jdbcUrl() : System.getProperty("bench.dbUrl"),
                stats != null ? stats.user() : System.getProperty("bench.dbUser"), stats != null ? stats.password() : null,
                "127.0.0.1", 0, 0, 1000, settings).withApiLimits(ApiLimits.UNLIMITED))) {
            ProvisioningBenchmark bench = new ProvisioningBenchmark(new BenchPlane(dev));
            bench.plane.post("/v1/tenants", Map.of("id", "bench"));
            System.out.printf("machine: %d cores; example workload: hello (JVM); %d sequential rounds, then %d concurrent%n",
                    Runtime.getRuntime().availableProcessors(), rounds, concurrency);
            bench.warmUp();
            // the control plane is a long-running server: measure it warm (JIT-compiled), as it runs in production
            int quietRounds = 0;
            int round = 0;
            while (round < MAX_WARM_UP_ROUNDS && (round < WARM_UP_ROUNDS || quietRounds < SETTLED_ROUNDS)) {
                int r = round++;
                CpuMeter warmCpu = CpuMeter.start();
                bench.apiRequests(); // read as each measured round reads them, so that this code is compiled by then
                BenchPlane.concurrently(concurrency, i -> bench.provision("warm-" + r + "-" + i));
                bench.cleanUp();
                System.out.println("cpu during warm-up round " + r + ":  " + warmCpu.stop());
                System.out.println("  this JVM by thread group (s): " + warmCpu.threadGroups());
                quietRounds = warmCpu.threadGroupSeconds(COMPILER_THREADS) < SETTLED_COMPILER_SECONDS ? quietRounds + 1 : 0;
            }
            System.out.printf("warm-up: %d rounds; the JIT compiler threads used under %.1f CPU-s in each of the last %d: %s%n", round,
                    SETTLED_COMPILER_SECONDS, Math.min(quietRounds, SETTLED_ROUNDS), quietRounds >= SETTLED_ROUNDS ? "settled" : "NOT settled");
            List<Long> bare1 = new ArrayList<>();
            List<Long> prov1 = new ArrayList<>();
            CpuMeter seqCpu = CpuMeter.start();
            for (int i = 0; i < rounds; i++) {
                bare1.add(bench.plane.bareStart());
                bench.cleanUp();
                prov1.add(bench.provision("seq-" + i));
                bench.cleanUp();
            }
            System.out.println("cpu during sequential rounds: " + seqCpu.stop());
            report("1 at a time", bare1, prov1);
            List<Long> bareN = new ArrayList<>();
            List<Long> bareNPaced = new ArrayList<>();
            List<Long> provN = new ArrayList<>();
            int startConcurrency = settings.startConcurrency();
            // m = -1: a rehearsal of the measured cycle, not counted, so that the benchmark's own code (its bare starts and
            // what it reads of the metrics and of each instance) is compiled before it measures rather than during a measured round
            for (int m = -1; m < MEASURED_ROUNDS; m++) {
                boolean rehearsal = m < 0;
                String label = rehearsal ? "rehearsal (not counted)" : "round " + (m + 1);
                if (rehearsal) System.out.println("a rehearsal of the measured rounds, not counted:");
                // bare and provisioning rounds alternate, so that the machine's drift weighs on both alike
                CpuMeter bareCpu = CpuMeter.start();
                List<Long> bare = BenchPlane.concurrently(concurrency, i -> bench.plane.bareStart());
                System.out.println("cpu during bare starts:      " + bareCpu.stop());
                bench.cleanUp();
                CpuMeter provCpu = CpuMeter.start();
                long passesBefore = bench.plane.dev.server().reconcilePasses();
                Map<String, double[]> requestsBefore = bench.apiRequests();
                jdk.jfr.Recording profile = m == 0 ? startProfile() : null;
                int measured = m;
                Thread early = EARLY_CPU_MILLIS > 0 ? earlyCpu(EARLY_CPU_MILLIS) : null;
                if (stats != null) StatementStatistics.reset(stats);
                List<Long> prov = BenchPlane.concurrently(concurrency, i -> bench.provision((rehearsal ? "rehearsal-" : "par-" + measured + "-") + i));
                if (stats != null) StatementStatistics.printPerCreate(stats, concurrency);
                if (early != null) early.join();
                stopProfile(profile);
                System.out.println("cpu during provisioning:     " + provCpu.stop());
                System.out.printf("  reconcile passes (the workers' and those in reports): %.1f per instance%n", (bench.plane.dev.server().reconcilePasses() - passesBefore) / (double) concurrency);
                System.out.println("  this JVM by thread group (s): " + provCpu.threadGroups());
                System.out.println("  PostgreSQL by process (s): " + provCpu.postgresRoles());
                bench.printApiRequests(requestsBefore, concurrency);
                System.out.println("  creates retried after a 503 so far (warm-up included): " + bench.retriedAfter503.get());
                report(concurrency + " concurrent, " + label, bare, prov);
                bench.cleanUp();
                if (!rehearsal) {
                    bareN.addAll(bare);
                    provN.addAll(prov);
                }
                if (startConcurrency > 0) {
                    var slots = new java.util.concurrent.Semaphore(startConcurrency, true);
                    CpuMeter pacedCpu = CpuMeter.start();
                    List<Long> paced = BenchPlane.concurrently(concurrency, i -> bench.plane.bareStart(slots));
                    System.out.println("cpu during paced bare starts: " + pacedCpu.stop());
                    bench.cleanUp();
                    // each round's own comparison: how much of the spread between runs is already there between rounds
                    BenchPlane.report("  " + label + " against bare starts paced like the cell", "bare paced", paced, "provision-to-first-200", prov);
                    if (rehearsal) bench.plane.forgetPacedStarts();
                    else bareNPaced.addAll(paced);
                }
            }
            report(concurrency + " concurrent, all " + MEASURED_ROUNDS + " rounds", bareN, provN);
            if (startConcurrency > 0) {
                BenchPlane.report("  the same against bare starts paced like the cell (" + startConcurrency + " at a time)",
                        "bare paced", bareNPaced, "provision-to-first-200", provN);
            }
            bench.printBreakdown(concurrency * MEASURED_ROUNDS);
        }
    }

    /** The server's API requests so far by method and route: count and seconds spent (from its Prometheus metrics). */
    private Map<String, double[]> apiRequests() {
        Map<String, double[]> byRoute = new java.util.TreeMap<>();
        for (String line : plane.dev.server().metrics().scrape().split("\n")) {
            boolean count = line.startsWith("tenantry_api_requests_seconds_count{");
            if (!count && !line.startsWith("tenantry_api_requests_seconds_sum{")) continue;
            String labels = line.substring(line.indexOf('{') + 1, line.lastIndexOf('}'));
            String method = label(labels, "method");
            String route = label(labels, "route");
            double value = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            byRoute.computeIfAbsent(method + " " + route, k -> new double[2])[count ? 0 : 1] += value;
        }
        return byRoute;
    }

    private static String label(String labels, String name) {
        int at = labels.indexOf(name + "=\"");
        return at < 0 ? "?" : labels.substring(at + name.length() + 2, labels.indexOf('"', at + name.length() + 2));
    }

    /** The API requests the round made, per create, by route (what the agent, the benchmark and the gateway asked the server). */
    private void printApiRequests(Map<String, double[]> before, int creates) {
        StringBuilder line = new StringBuilder("  API requests per create (count, ms):");
        apiRequests().forEach((route, now) -> {
            double[] then = before.getOrDefault(route, new double[2]);
            double calls = (now[0] - then[0]) / creates;
            if (calls >= 0.05) line.append(String.format(" %s %.1f %.1f;", route, calls, (now[1] - then[1]) * 1000 / creates));
        });
        System.out.println(line);
    }

    /**
     * With {@code -Dbench.jfr=FILE}: a JFR recording of CPU-time samples (JDK 25 and later) of the first measured
     * concurrent round only.
     */
    private static jdk.jfr.Recording startProfile() throws Exception {
        if (System.getProperty("bench.jfr") == null) return null;
        // where the CPU goes, threads in native code and virtual threads included: one sample per millisecond of a thread's CPU
        // time (JDK 25's CPU-time sampler; nothing else is recorded, so that the recording itself changes little of what it measures)
        jdk.jfr.Recording recording = new jdk.jfr.Recording();
        if (Boolean.getBoolean("bench.jfrAllocation")) {
            // where the JVM allocates (each sample weighs the bytes allocated since the last): allocation streams through the
            // caches the starting workloads use
            recording.enable("jdk.ObjectAllocationSample").with("throttle", "2000/s").withStackTrace();
        } else {
            recording.enable("jdk.CPUTimeSample").with("throttle", "1ms").withStackTrace();
            recording.enable("jdk.CPUTimeSamplesLost");
        }
        recording.start();
        return recording;
    }

    private static void stopProfile(jdk.jfr.Recording recording) throws Exception {
        if (recording == null) return;
        recording.stop();
        recording.dump(Path.of(System.getProperty("bench.jfr")));
        recording.close();
    }

    private final BenchPlane plane;
    private final RunningEvents running;

    private ProvisioningBenchmark(BenchPlane plane) throws Exception {
        this.plane = plane;
        this.running = new RunningEvents(plane.dev.apiUrl(), plane.dev.adminToken(), "bench");
    }

    private static void report(String label, List<Long> bare, List<Long> provision) {
        BenchPlane.report(label, "bare start-to-first-page", bare, "provision-to-first-200", provision);
    }

    private void warmUp() throws Exception {
        plane.bareStart();
        provision("warm-up");
        cleanUp();
    }

    private final List<String> instances = Collections.synchronizedList(new ArrayList<>());

    /**
     * Stops what a round started, after the round: workloads started directly, and provisioned instances (deleted
     * through the API, waiting until they are gone), so that tearing down never competes with starts being measured.
     */
    private void cleanUp() throws Exception {
        List<Long> provisionedCpu = recordTimelines();
        List<Long> bareCpu = plane.bareCpuMillis();
        if (provisionedCpu.size() > 1 || bareCpu.size() > 1) {
            // the same workload's own CPU (from its launch to now, when the round has ended): a start that costs the workload more
            // CPU under the control plane than alone shows here, apart from the control plane's own CPU
            List<Long> cpu = provisionedCpu.isEmpty() ? bareCpu : provisionedCpu;
            System.out.printf("  the workloads' own CPU (%s, n=%d): p50 %d ms, mean %d ms%n", provisionedCpu.isEmpty() ? "bare" : "provisioned",
                    cpu.size(), BenchPlane.percentile(cpu, 50), Math.round(cpu.stream().mapToLong(Long::longValue).average().orElse(0)));
        }
        plane.stopBareStarts();
        List<String> names = new ArrayList<>(instances);
        instances.clear();
        for (String name : names) {
            BenchPlane.HTTP.send(plane.request("/v1/tenants/bench/instances/" + name).DELETE().build(), HttpResponse.BodyHandlers.discarding());
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        for (String name : names) {
            while (!Json.MAPPER.readTree(BenchPlane.HTTP.send(plane.request("/v1/tenants/bench/instances/" + name).GET().build(),
                    HttpResponse.BodyHandlers.ofString()).body()).path("status").path("phase").asText().equals("DELETED")) {
                if (System.nanoTime() > deadline) throw new IllegalStateException(name + " was not deleted within 120 s");
                Thread.sleep(50);
            }
        }
        quietAfterCleanUp.add(CpuMeter.awaitQuiet(QUIET_AT_MOST).toMillis());
    }

    /** How long the machine took to become quiet after each clean-up, before the next round ({@link CpuMeter#awaitQuiet}). */
    private final List<Long> quietAfterCleanUp = Collections.synchronizedList(new ArrayList<>());
    private static final Duration QUIET_AT_MOST = Duration.ofSeconds(5);

    private record Timeline(java.time.Instant sent, java.time.Instant accepted, String operation, java.time.Instant eventArrived, java.time.Instant firstOk,
                            java.time.Instant replicaStarted, java.time.Instant replicaHealthy, int restarts) {}

    private final List<Timeline> timelines = Collections.synchronizedList(new ArrayList<>());

    /** Milliseconds from sending the create request to the first 200 through the gateway; {@link #cleanUp} deletes it. */
    private long provision(String name) throws Exception {
        java.time.Instant sent = java.time.Instant.now();
        long start = System.nanoTime();
        Map<String, String> body = Map.of("name", name, "service", "hello", "plan", "starter");
        // a 503 is retried (its time counts)
        HttpResponse<String> created = BenchPlane.retryingBusy(() -> plane.post("/v1/tenants/bench/instances", body), retriedAfter503);
        if (created.statusCode() != 202) throw new IllegalStateException("create failed: " + created.body());
        java.time.Instant accepted = java.time.Instant.now();
        java.time.Instant eventArrived;
        try {
            eventArrived = running.await(name);
        } catch (java.util.concurrent.TimeoutException e) {
            String state = BenchPlane.HTTP.send(plane.request("/v1/tenants/bench/instances/" + name).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
            throw new IllegalStateException("no instance.running event for " + name + " within 120 s; instance: " + state, e);
        }
        BenchPlane.awaitOk(plane.gatewayRoot(), name + ".bench.localhost");
        long elapsed = (System.nanoTime() - start) / 1_000_000;
        unrecorded.add(new Provisioned(name, sent, accepted, Json.MAPPER.readTree(created.body()).path("operation").path("id").asText(),
                eventArrived, java.time.Instant.now()));
        instances.add(name);
        return elapsed;
    }

    private final java.util.concurrent.atomic.AtomicInteger retriedAfter503 = new java.util.concurrent.atomic.AtomicInteger();

    private record Provisioned(String name, java.time.Instant sent, java.time.Instant accepted, String operation, java.time.Instant eventArrived,
                               java.time.Instant firstOk) {}

    private final List<Provisioned> unrecorded = Collections.synchronizedList(new ArrayList<>());

    /**
     * Reads the replicas' own start and healthy times of what the round provisioned, after the round, so that it never loads the round;
     * returns the CPU milliseconds each replica's process has used so far.
     */
    private List<Long> recordTimelines() throws Exception {
        List<Provisioned> done = new ArrayList<>(unrecorded);
        unrecorded.clear();
        List<Long> cpuMillis = new ArrayList<>();
        for (Provisioned p : done) {
            var replica = Json.MAPPER.readTree(BenchPlane.HTTP.send(plane.request("/v1/tenants/bench/instances/" + p.name()).GET().build(),
                    HttpResponse.BodyHandlers.ofString()).body()).path("status").path("replicas").get(0);
            if (replica.hasNonNull("pid")) {
                ProcessHandle.of(replica.path("pid").asLong()).flatMap(h -> h.info().totalCpuDuration()).ifPresent(d -> cpuMillis.add(d.toMillis()));
            }
            timelines.add(new Timeline(p.sent(), p.accepted(), p.operation(), p.eventArrived(), p.firstOk(),
                    java.time.Instant.parse(replica.path("startedAt").asText()), java.time.Instant.parse(replica.path("healthySince").asText()),
                    replica.path("restarts").asInt()));
        }
        return cpuMillis;
    }

    /** When the operation's step of that name ended (by name: the steps a create runs changed over time). */
    private static java.time.Instant stepEnded(com.fasterxml.jackson.databind.JsonNode operation, String step) {
        for (var s : operation.path("steps")) {
            if (s.path("name").asText().equals(step)) return java.time.Instant.parse(s.path("endedAt").asText());
        }
        throw new IllegalStateException("operation " + operation.path("id").asText() + " has no step " + step);
    }

    /**
     * For each replica spawned after another was seen healthy (within half a second: not the first starts of a round),
     * the milliseconds in between: the agent giving the slot back and launching the next replica.
     */
    private static List<Long> slotHandOvers(List<Timeline> timelines) {
        List<java.time.Instant> healthy = timelines.stream().map(Timeline::replicaHealthy).sorted().toList();
        List<Long> gaps = new ArrayList<>();
        for (Timeline t : timelines) {
            java.time.Instant before = null;
            for (java.time.Instant h : healthy) {
                if (h.isAfter(t.replicaStarted())) break;
                before = h;
            }
            if (before == null) continue;
            long gap = Duration.between(before, t.replicaStarted()).toMillis();
            if (gap <= 500) gaps.add(gap);
        }
        return gaps;
    }

    /**
     * Milliseconds from the first create request of a round to its first replica's spawn: what the control plane adds
     * before the cell's start queue begins to move (every later start queues behind it); the median over the rounds.
     */
    private static long firstSpawn(List<Timeline> timelines) {
        return BenchPlane.percentile(rounds(timelines).stream().map(round -> Duration.between(round.getFirst().sent(),
                round.stream().map(Timeline::replicaStarted).min(java.util.Comparator.naturalOrder()).orElseThrow()).toMillis()).toList(), 50);
    }

    private static int concurrencyOf(List<Timeline> timelines) {
        return Math.max(1, rounds(timelines).getFirst().size());
    }

    /** The rounds among the timelines, told apart by the gap between their creates (seconds: clean-up and bare starts run in between). */
    private static List<List<Timeline>> rounds(List<Timeline> timelines) {
        List<List<Timeline>> rounds = new ArrayList<>();
        java.time.Instant lastSent = null;
        for (Timeline t : timelines.stream().sorted(java.util.Comparator.comparing(Timeline::sent)).toList()) {
            if (lastSent == null || Duration.between(lastSent, t.sent()).toMillis() > 1000) rounds.add(new ArrayList<>());
            rounds.getLast().add(t);
            lastSent = t.sent();
        }
        return rounds;
    }

    /**
     * The mean time a start held its slot by its place in its round's order of spawns, in fifths of the round: shows
     * whether the starts are slower while the creates are handled (the first fifth) or all along.
     */
    private static String slotByOrder(List<List<Long>> roundsOfSlotTimes) {
        StringBuilder line = new StringBuilder();
        for (int fifth = 0; fifth < 5; fifth++) {
            double sum = 0;
            int n = 0;
            for (List<Long> round : roundsOfSlotTimes) {
                for (int i = fifth * round.size() / 5; i < (fifth + 1) * round.size() / 5; i++) {
                    sum += round.get(i);
                    n++;
                }
            }
            line.append(String.format(" %.1f", n == 0 ? 0 : sum / n));
        }
        return line.toString();
    }

    /** Where the time of the last {@code count} concurrent provisions went, from the operations' step timestamps (median over instances). */
    private void printBreakdown(int count) throws Exception {
        List<Long> accept = new ArrayList<>();
        List<Long> toPublished = new ArrayList<>();
        List<Long> toHealthySeen = new ArrayList<>();
        List<Long> toFirstOk = new ArrayList<>();
        List<Long> beforeSpawn = new ArrayList<>();
        List<Long> ownStart = new ArrayList<>();
        List<Long> afterHealthy = new ArrayList<>();
        List<Long> pipeline = new ArrayList<>();
        List<Long> healthyToSeen = new ArrayList<>();
        List<Long> seenToEvent = new ArrayList<>();
        List<Long> eventToFirstOk = new ArrayList<>();
        List<Timeline> last = timelines.subList(Math.max(0, timelines.size() - count), timelines.size());
        for (Timeline t : last) {
            var op = Json.MAPPER.readTree(BenchPlane.HTTP.send(plane.request("/v1/operations/" + t.operation()).GET().build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            java.time.Instant published = stepEnded(op, "publish");
            java.time.Instant healthy = stepEnded(op, "start");
            accept.add(Duration.between(t.sent(), t.accepted()).toMillis());
            toPublished.add(Duration.between(t.sent(), published).toMillis());
            toHealthySeen.add(Duration.between(t.sent(), healthy).toMillis());
            toFirstOk.add(Duration.between(t.sent(), t.firstOk()).toMillis());
            beforeSpawn.add(Duration.between(t.sent(), t.replicaStarted()).toMillis());
            ownStart.add(Duration.between(t.replicaStarted(), t.replicaHealthy()).toMillis());
            afterHealthy.add(Duration.between(t.replicaHealthy(), t.firstOk()).toMillis());
            healthyToSeen.add(Duration.between(t.replicaHealthy(), healthy).toMillis());
            seenToEvent.add(Duration.between(healthy, t.eventArrived()).toMillis());
            eventToFirstOk.add(Duration.between(t.eventArrived(), t.firstOk()).toMillis());
            pipeline.add(Duration.between(t.sent(), t.firstOk()).toMillis() - Duration.between(t.replicaStarted(), t.replicaHealthy()).toMillis());
            if (System.getenv("BENCH_VERBOSE") != null) {
                System.out.printf("  %s accepted %5d published %5d spawned %5d replica-healthy %5d healthy %5d first-200 %5d%n", t.operation(),
                        accept.getLast(), toPublished.getLast(), beforeSpawn.getLast(), Duration.between(t.sent(), t.replicaHealthy()).toMillis(),
                        toHealthySeen.getLast(), toFirstOk.getLast());
            }
        }
        System.out.printf("breakdown (p50 since the request was sent): 202 accepted %d ms, published to the cell %d ms,"
                + " server saw healthy %d ms, client's first 200 %d ms%n", BenchPlane.percentile(accept, 50), BenchPlane.percentile(toPublished, 50),
                BenchPlane.percentile(toHealthySeen, 50), BenchPlane.percentile(toFirstOk, 50));
        System.out.printf("replica restarts before the first 200: %d%n", last.stream().mapToInt(Timeline::restarts).sum());
        System.out.printf("per instance: request-to-spawn (waiting for a start slot included) p50 %d p99 %d ms; the workload's own spawn-to-healthy in this run p50 %d p99 %d ms;"
                + " healthy-to-first-200 p50 %d p99 %d ms; not starting (first 200 minus own start) p50 %d p99 %d ms%n",
                BenchPlane.percentile(beforeSpawn, 50), BenchPlane.percentile(beforeSpawn, 99), BenchPlane.percentile(ownStart, 50), BenchPlane.percentile(ownStart, 99),
                BenchPlane.percentile(afterHealthy, 50), BenchPlane.percentile(afterHealthy, 99), BenchPlane.percentile(pipeline, 50), BenchPlane.percentile(pipeline, 99));
        System.out.printf("after a replica's health check answered (per instance, p50 / p99): the server saw it running %d / %d ms later,"
                + " its instance.running event reached the client %d / %d ms after that, and the first 200 through the gateway %d / %d ms after the event%n",
                BenchPlane.percentile(healthyToSeen, 50), BenchPlane.percentile(healthyToSeen, 99), BenchPlane.percentile(seenToEvent, 50),
                BenchPlane.percentile(seenToEvent, 99), BenchPlane.percentile(eventToFirstOk, 50), BenchPlane.percentile(eventToFirstOk, 99));
        List<Long> bareAfterHealthy = plane.pacedHealthyToFirstPage();
        if (!bareAfterHealthy.isEmpty()) {
            // the same span without a control plane: the workload's first page asked for as soon as its health check answered
            System.out.printf("a paced bare start's first page came %d / %d ms after its health check answered (p50 / p99, n=%d), a provisioned one's first 200 %d / %d ms%n",
                    BenchPlane.percentile(bareAfterHealthy, 50), BenchPlane.percentile(bareAfterHealthy, 99), bareAfterHealthy.size(),
                    BenchPlane.percentile(afterHealthy, 50), BenchPlane.percentile(afterHealthy, 99));
        }
        List<Long> paced = plane.pacedSpawnToHealthy();
        List<List<Long>> provisionedBySpawn = rounds(last).stream().map(round -> round.stream()
                .sorted(java.util.Comparator.comparing(Timeline::replicaStarted))
                .map(t -> Duration.between(t.replicaStarted(), t.replicaHealthy()).toMillis()).toList()).toList();
        List<List<Long>> pacedByEnd = new ArrayList<>();
        int perRound = concurrencyOf(last);
        for (int i = 0; i + perRound <= paced.size(); i += perRound) pacedByEnd.add(paced.subList(i, i + perRound));
        System.out.printf("a start's slot time by its place in the round's order, in fifths (mean ms): provisioned%s; bare paced%s%n",
                slotByOrder(provisionedBySpawn), slotByOrder(pacedByEnd));
        if (!paced.isEmpty()) {
            // how long a start holds its slot, the lanes' pace: its mean times the starts ahead of an instance is its wait
            System.out.printf("a start's own spawn-to-healthy, its time in a start slot: provisioned p50 %d mean %.1f ms (n=%d); bare paced p50 %d mean %.1f ms (n=%d)%n",
                    BenchPlane.percentile(ownStart, 50), ownStart.stream().mapToLong(Long::longValue).average().orElse(0), ownStart.size(),
                    BenchPlane.percentile(paced, 50), paced.stream().mapToLong(Long::longValue).average().orElse(0), paced.size());
        }
        List<Long> startingAtOnce = last.stream().map(t -> last.stream().filter(u -> !u.replicaStarted().isAfter(t.replicaStarted())
                && u.replicaHealthy().isAfter(t.replicaStarted())).count()).toList();
        System.out.printf("replicas starting at once when one spawns (itself included): p50 %d p99 %d max %d%n",
                BenchPlane.percentile(startingAtOnce, 50), BenchPlane.percentile(startingAtOnce, 99), java.util.Collections.max(startingAtOnce));
        System.out.printf("the round's first replica spawned %d ms after its first create was sent%n", firstSpawn(last));
        System.out.printf("each round began once the machine was quiet after the last clean-up (at most an eighth of a core for 250 ms):"
                + " waited p50 %d ms, max %d ms (n=%d; at most %d s)%n", BenchPlane.percentile(quietAfterCleanUp, 50),
                quietAfterCleanUp.isEmpty() ? 0 : Collections.max(quietAfterCleanUp), quietAfterCleanUp.size(), QUIET_AT_MOST.toSeconds());
        List<Long> handOver = slotHandOvers(last);
        if (!handOver.isEmpty()) {
            System.out.printf("start slot hand-over (a replica seen healthy to the next one spawned, n=%d): p50 %d p99 %d ms%n", handOver.size(),
                    BenchPlane.percentile(handOver, 50), BenchPlane.percentile(handOver, 99));
        }
    }

}
