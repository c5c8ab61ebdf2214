package dev.tenantry.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantry.agent.driver.CgroupLimits;
import dev.tenantry.agent.driver.DriverSettings;
import dev.tenantry.agent.driver.Launcher;
import dev.tenantry.api.Directories;
import dev.tenantry.api.Json;
import dev.tenantry.api.blueprint.Resources;
import dev.tenantry.app.DevMode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * What the benchmarks share: dev mode's API and gateway, the example workload started directly (the "bare"
 * baseline, with exactly the command the agent runs), a cheap poller for the first 200, and percentiles.
 */
final class BenchPlane {
    /** A fresh home for a benchmark's dev mode, deleted when the benchmark's JVM exits (after dev mode has stopped). */
    static Path temporaryHome(String prefix) throws IOException {
        Path home = java.nio.file.Files.createTempDirectory(prefix);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            closeWhatRuns();
            try {
                Directories.deleteTree(home);
            } catch (IOException e) {
                System.err.println("could not remove " + home + ": " + e.getMessage());
            }
        }));
        return home;
    }

    private static final List<AutoCloseable> RUNNING = Collections.synchronizedList(new ArrayList<>());

    /** Closes {@code running} once, however often it is asked (by a try block and by the exit hook). */
    static AutoCloseable once(AutoCloseable running) {
        java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
        return () -> {
            if (closed.compareAndSet(false, true)) running.close();
        };
    }

    /** Closed when the JVM exits, also on a signal, before the homes are deleted (a server process, a PostgreSQL). */
    static <T extends AutoCloseable> T closedOnExit(T running) {
        RUNNING.add(running);
        return running;
    }

    private static void closeWhatRuns() {
        List<AutoCloseable> all;
        synchronized (RUNNING) {
            all = new ArrayList<>(RUNNING.reversed());
            RUNNING.clear();
        }
        for (AutoCloseable c : all) {
            try {
                c.close();
            } catch (Exception e) {
                System.err.println("could not stop " + c + ": " + e);
            }
        }
    }

    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
    private static final Duration POLL = Duration.ofMillis(5);

    final DevMode dev;
    private final List<String> bareCommand;
    /** The starter plan's size, as control groups like a replica's (none where the agent does not enforce sizes either). */
    private final Resources bareSize;
    private final CgroupLimits bareLimits;
    private final java.util.concurrent.atomic.AtomicInteger bareStarts = new java.util.concurrent.atomic.AtomicInteger();
    private final List<Process> bareProcesses = Collections.synchronizedList(new ArrayList<>());
    /** The data directories of the workloads {@link #bareStart} launched (each its own). */
    private final Path bareData;

    BenchPlane(DevMode dev) throws IOException {
        this.dev = dev;
        this.bareSize = dev.server().services().catalog().plan("hello", "starter").size();
        this.bareCommand = bareCommand(dev, bareSize);
        this.bareData = java.nio.file.Files.createDirectories(dev.home().resolve("bare-starts"));
        this.bareLimits = dev.driverSettings().enforceSizes() ? CgroupLimits.forAgent(bareData) : CgroupLimits.NONE;
        try {
            // every replica measured starts with the example's class-data cache (made in the background at dev mode's start)
            Path cache = dev.awaitExampleClassData(Duration.ofMinutes(2));
            System.out.println("the example's replicas start with " + (cache == null ? "no class-data cache" : "the class-data cache " + cache.getFileName()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the example's class-data cache was made", e);
        }
    }

    /** The example's command as the agent runs it (dev mode's release of it, with its class-data cache; the plan's memory). */
    private static List<String> bareCommand(DevMode dev, Resources size) {
        return dev.server().services().catalog().release("hello", dev.exampleRelease()).blueprint().components().get(0).command()
                .stream().map(arg -> arg.replace("{{resources.memoryMb}}", String.valueOf(size.memoryMb()))).toList();
    }

    interface Task {
        long run(int i) throws Exception;
    }

    interface Send {
        HttpResponse<String> send() throws Exception;
    }

    /**
     * Sends, and sends again after its {@code Retry-After} (up to ten times) while the answer is 503 — the server's
     * database pool busy, nothing done — as the API asks of a client; counts each retry in {@code retried}.
     */
    static HttpResponse<String> retryingBusy(Send send, java.util.concurrent.atomic.AtomicInteger retried) throws Exception {
        HttpResponse<String> r = send.send();
        for (int retry = 0; r.statusCode() == 503 && retry < 10; retry++) {
            retried.incrementAndGet();
            Thread.sleep(1000L * Long.parseLong(r.headers().firstValue("Retry-After").orElse("1")));
            r = send.send();
        }
        return r;
    }

    /** Runs {@code n} tasks at once, one thread each; returns their results in order. */
    static List<Long> concurrently(int n, Task task) throws Exception {
        try (ExecutorService pool = Executors.newFixedThreadPool(n)) {
            List<Future<Long>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                futures.add(pool.submit(() -> task.run(index)));
            }
            List<Long> results = new ArrayList<>();
            for (Future<Long> f : futures) results.add(f.get());
            return results;
        }
    }

    /**
     * Milliseconds from launching the workload to its first page (a 200 on /), with the environment the example's
     * blueprint gives a replica (its greeting and a visits file in a data directory of its own). The workload prints a
     * line once it listens; the requests follow that signal, so no poller loads the machine while it starts.
     */
    long bareStart() throws Exception {
        return bareStart(null);
    }

    /**
     * The same, launched only once one of {@code slots} is free (null: at once) and giving it back once it answers its
     * health check, as a cell paces its starts; then its first page is asked for, as a client does once the instance
     * runs. The time counts from the call, waiting included.
     */
    long bareStart(java.util.concurrent.Semaphore slots) throws Exception {
        int port;
        try (var socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        // in control groups with the plan's size, weighed as a starting replica until its health check answers, at the
        // driver's niceness: what the cell's launch does, less the control plane
        CgroupLimits.Group group = bareLimits.group("bare-" + bareStarts.incrementAndGet(), bareSize).orElse(null);
        if (group != null) group.weighCpu(CgroupLimits.STARTING_SHARES);
        List<String> command = Launcher.command(bareCommand, DriverSettings.DEFAULT.workloadNice(), group == null ? List.of() : group.procsFiles());
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("PORT", String.valueOf(port));
        pb.environment().put("GREETING", "Hello");
        pb.environment().put("VISITS_FILE", java.nio.file.Files.createTempDirectory(bareData, "data-").resolve("visits").toString());
        long start = System.nanoTime();
        if (slots != null) slots.acquire();
        long spawned = System.nanoTime();
        long healthy = 0;
        Process p;
        try {
            p = pb.start();
            bareProcesses.add(p);
            var out = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()));
            String line;
            while ((line = out.readLine()) != null && !line.contains("serving")) {
                // skip the workload's other output until it says it listens
            }
            awaitOk(URI.create("http://127.0.0.1:" + port + "/healthz"), null);
            healthy = System.nanoTime();
            if (slots != null) pacedSpawnToHealthy.add((healthy - spawned) / 1_000_000);
        } finally {
            if (group != null) group.weighCpu(CgroupLimits.NORMAL_SHARES);
            if (slots != null) slots.release();
        }
        awaitOk(URI.create("http://127.0.0.1:" + port + "/"), null);
        long firstPage = System.nanoTime();
        if (slots != null) pacedHealthyToFirstPage.add((firstPage - healthy) / 1_000_000);
        return (firstPage - start) / 1_000_000;
    }

    private final List<Long> pacedSpawnToHealthy = java.util.Collections.synchronizedList(new ArrayList<>());
    private final List<Long> pacedHealthyToFirstPage = java.util.Collections.synchronizedList(new ArrayList<>());

    /** Forgets the paced bare starts so far (a rehearsal's). */
    void forgetPacedStarts() {
        pacedSpawnToHealthy.clear();
        pacedHealthyToFirstPage.clear();
    }

    /**
     * For each paced bare start so far, the milliseconds from its spawn to its health check's answer: how long it held its
     * start slot, to compare with a provisioned replica's own spawn-to-healthy.
     */
    List<Long> pacedSpawnToHealthy() {
        return List.copyOf(pacedSpawnToHealthy);
    }

    /** For each paced bare start so far, the milliseconds from its health check's answer to its first page's. */
    List<Long> pacedHealthyToFirstPage() {
        return List.copyOf(pacedHealthyToFirstPage);
    }

    /** The CPU milliseconds each workload {@link #bareStart} launched has used so far (its whole life: it still runs). */
    List<Long> bareCpuMillis() {
        List<Long> millis = new ArrayList<>();
        for (Process p : List.copyOf(bareProcesses)) p.info().totalCpuDuration().ifPresent(d -> millis.add(d.toMillis()));
        return millis;
    }

    /** Stops the workloads {@link #bareStart} launched. */
    void stopBareStarts() throws InterruptedException, IOException {
        List<Process> processes = new ArrayList<>(bareProcesses);
        bareProcesses.clear();
        processes.forEach(Process::destroy);
        for (Process p : processes) p.waitFor();
        bareLimits.removeIfEmpty();
        Directories.deleteTree(bareData);
        java.nio.file.Files.createDirectories(bareData);
    }

    /**
     * Polls until the first 200 (every 5 ms; it is called once the workload or the control plane says the
     * instance is ready, so it normally answers at the first try). A plain socket and a one-line request keep the poller's own CPU cost far
     * below the system it measures (fifty pollers share two cores with fifty starting JVMs).
     */
    static void awaitOk(URI uri, String host) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        byte[] request = ("GET " + uri.getPath() + " HTTP/1.1\r\nHost: " + (host == null ? uri.getAuthority() : host)
                + "\r\nConnection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        while (System.nanoTime() < deadline) {
            try (java.net.Socket socket = new java.net.Socket(java.net.Proxy.NO_PROXY)) {
                socket.connect(new java.net.InetSocketAddress(uri.getHost(), uri.getPort()), 2000);
                socket.setSoTimeout(60_000);
                socket.getOutputStream().write(request);
                byte[] status = socket.getInputStream().readNBytes(12);
                if (new String(status, java.nio.charset.StandardCharsets.US_ASCII).startsWith("HTTP/1.1 200")) return;
            } catch (IOException notYet) {
                // connection refused until the workload listens: poll again
            }
            Thread.sleep(POLL.toMillis());
        }
        throw new IllegalStateException("no 200 from " + uri + " within 120 s");
    }

    /** The instance's page through the gateway, by its host name. */
    URI gatewayRoot() {
        return URI.create("http://127.0.0.1:" + dev.gateway().port() + "/");
    }

    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(dev.apiUrl() + path)).header("Authorization", "Bearer " + dev.adminToken())
                .header("Content-Type", "application/json");
    }

    HttpResponse<String> post(String path, Object body) throws Exception {
        return HTTP.send(request(path).POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(Json.write(body))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    JsonNode get(String path) throws Exception {
        return Json.MAPPER.readTree(HTTP.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString()).body());
    }

    /** Waits until an operation is done; fails unless it succeeded. */
    void awaitSucceeded(String operationId) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            String state = get("/v1/operations/" + operationId).path("state").asText();
            if (state.equals("SUCCEEDED")) return;
            if (state.equals("FAILED")) throw new IllegalStateException("operation " + operationId + " failed");
            Thread.sleep(20);
        }
        throw new IllegalStateException("operation " + operationId + " not done within 120 s");
    }

    static void report(String label, String baseLabel, List<Long> base, String measuredLabel, List<Long> measured) {
        long b50 = percentile(base, 50);
        long b99 = percentile(base, 99);
        long p50 = percentile(measured, 50);
        long p99 = percentile(measured, 99);
        System.out.printf("%-14s %s p50 %5d ms p99 %5d ms | %s p50 %5d ms p99 %5d ms | overhead p50 %5d ms p99 %5d ms (n=%d)%n",
                label, baseLabel, b50, b99, measuredLabel, p50, p99, p50 - b50, p99 - b99, measured.size());
    }

    static long percentile(List<Long> values, int pct) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int index = (int) Math.ceil(pct / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1)));
    }
}
