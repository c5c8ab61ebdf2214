package dev.tenantry.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantry.api.Json;
import dev.tenantry.examples.hello.HelloBlueprint;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How far one control plane goes: {@code tenantry server} (its own JVM) on PostgreSQL, with CELLS hollow cells
 * ({@link HollowCells}) in this JVM. It creates INSTANCES instances through the API (50 per tenant) until all run, then
 * measures reads under a write load, a full resync of every agent, and the server's memory, the database's size and
 * the CPU per create. See bench/README.md.
 */
public final class ScaleBenchmark {
    static final String USAGE = "usage: bench/run-scale.sh INSTANCES CELLS   (whole numbers: 1 <= CELLS <= 1000, CELLS <= INSTANCES <= 1000000)";
    static final int PER_TENANT = 50;
    static final int CREATORS = 16;
    static final int READERS = 4;
    static final int READS_PER_READER = 500;
    static final int BACKGROUND_WRITES_PER_SECOND = 20;
    static final Duration HEALTHY_AFTER = Duration.ofSeconds(1);

    record Args(int instances, int cells) {
        /** The arguments, or null when they are not two whole numbers in range. */
        static Args parse(String[] args) {
            if (args.length != 2 || !args[0].matches("[0-9]{1,7}") || !args[1].matches("[0-9]{1,4}")) return null;
            int instances = Integer.parseInt(args[0]);
            int cells = Integer.parseInt(args[1]);
            return cells < 1 || cells > 1000 || instances < cells || instances > 1_000_000 ? null : new Args(instances, cells);
        }
    }

    public static void main(String[] argv) throws Exception {
        Args args = Args.parse(argv);
        if (args == null) {
            System.err.println(USAGE);
            System.exit(2);
        }
        // hundreds of agents in this JVM: only their warnings (the server's log is server.log in the home)
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("dev.tenantry.agent")).setLevel(ch.qos.logback.classic.Level.WARN);
        Path home = BenchPlane.temporaryHome("tenantry-scale-");
        int capacity = Math.min(100_000, (int) Math.ceil(args.instances() * 1.5 / args.cells()) + 100);
        try (ScaleServer server = ScaleServer.start(home);
             HollowCells cells = new HollowCells(server, home.resolve("cells"), args.cells(), capacity, HEALTHY_AFTER)) {
            new ScaleBenchmark(server, cells, args).run();
        }
        System.exit(0);
    }

    private final ScaleServer server;
    private final HollowCells cells;
    private final Args args;

    private ScaleBenchmark(ScaleServer server, HollowCells cells, Args args) {
        this.server = server;
        this.cells = cells;
        this.args = args;
    }

    private static String tenant(int i) {
        return String.format("t-%05d", i / PER_TENANT);
    }

    private static String instance(int i) {
        return String.format("i-%07d", i);
    }

    private void run() throws Exception {
        System.out.printf("scale benchmark: %d instances (%d per tenant) on %d hollow cells (replicas healthy %d ms after they start),"
                + " server pid %d%n", args.instances(), PER_TENANT, args.cells(), HEALTHY_AFTER.toMillis(), server.pid());
        server.call("POST", "/v1/services", Map.of("name", "hello"));
        JsonNode blueprint = Json.YAML.readTree(HelloBlueprint.yaml(Path.of(System.getProperty("java.home"), "bin", "java")));
        server.call("POST", "/v1/services/hello/releases", Map.of("version", "1.0.0", "blueprint", blueprint));
        server.call("POST", "/v1/services/hello/plans", Map.of("name", "basic"));
        int tenants = (args.instances() + PER_TENANT - 1) / PER_TENANT;
        BenchPlane.concurrently(CREATORS, t -> {
            for (int i = t; i < tenants; i += CREATORS) server.call("POST", "/v1/tenants", Map.of("id", tenant(i * PER_TENANT)));
            return 0L;
        });
        cells.start();
        awaitCellsOnline();
        System.out.printf("%d tenants and %d cells ready%n", tenants, args.cells());

        Creates creates = createAll();
        Latencies reads = readsUnderWrites();
        double resync = resync();
        long rss = server.residentMegabytes();
        long dbMb = server.count("select pg_database_size(current_database())") / (1024 * 1024);
        System.out.printf("server: %d MB resident (JVM %s); database: %d MB; server CPU %.1f s (%.1f s of it the JIT compiler's) + PostgreSQL CPU"
                        + " %.1f s during the creates (less %.1f s of the benchmark's own counts)%n", rss,
                System.getenv().getOrDefault("SCALE_SERVER_JAVA_OPTS", "-Xmx512m -XX:+UseSerialGC"), dbMb,
                creates.serverCpu(), creates.serverCompilerCpu(), creates.postgresCpu(), creates.probeCpu());
        System.out.printf("targets on this machine: creates >= 50/s %s; read p99 < 100 ms %s; resync <= 30 s %s%n",
                creates.perSecond() >= 50 ? "met" : "MISSED", reads.instanceP99() < 100 ? "met" : "MISSED", resync <= 30 ? "met" : "MISSED");
        System.out.printf("scale: instances=%d cells=%d creates_per_s=%.1f read_p99_ms=%d list_p99_ms=%d resync_s=%.1f rss_mb=%d db_mb=%d cpu_ms_per_create=%.1f%n",
                creates.running(), args.cells(), creates.perSecond(), reads.instanceP99(), reads.listP99(), resync, rss, dbMb, creates.cpuMsPerCreate());
    }

    private void awaitCellsOnline() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (server.count("select count(*) from cells where last_seen > now() - interval '45 seconds'") < args.cells()) {
            if (System.nanoTime() > deadline) throw new IllegalStateException("not every hollow cell came online within 120 s");
            Thread.sleep(200);
        }
    }

    private static final String COMMITS = "select xact_commit from pg_stat_database where datname = current_database()";
    private static final String WAL_BYTES = "select wal_bytes::bigint from pg_stat_wal";

    /**
     * What the create phase measured: instances running, per second, and CPU of the server JVM and PostgreSQL per create.
     * {@code serverCompilerCpu}: the part of {@code serverCpu} its JIT compiler threads used (the JVM warming up);
     * {@code postgresCpu}: PostgreSQL's CPU less {@code probeCpu}, what its counts of running instances cost (the
     * benchmark's, not the server's).
     */
    record Creates(long running, double seconds, double serverCpu, double serverCompilerCpu, double postgresCpu, double probeCpu) {
        double perSecond() {
            return running / seconds;
        }

        double cpuMsPerCreate() {
            return running == 0 ? 0 : (serverCpu + postgresCpu) * 1000 / running;
        }
    }

    /** Creates every instance, CREATORS at a time, and waits until all run (or progress stops for two minutes). */
    private Creates createAll() throws Exception {
        double serverCpu = CpuMeter.processSeconds(server.pid());
        double compilerCpu = CpuMeter.compilerSeconds(server.pid());
        runningInstances(); // the probe connection open before the meters start
        double postgresCpu = CpuMeter.postgresSeconds(server.postgresData());
        double probeCpu = server.probeSeconds();
        long commits = server.count(COMMITS);
        long walBytes = server.count(WAL_BYTES);
        String startLsn = ScaleServer.DB_STATS ? server.text("select pg_current_wal_lsn()::text") : null;
        if (ScaleServer.DB_STATS) server.count("select count(*) from (select pg_stat_statements_reset()) r");
        long start = System.nanoTime();
        AtomicInteger next = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger retried = new AtomicInteger();
        Thread progress = Thread.ofPlatform().daemon().start(() -> reportProgress(start, next));
        BenchPlane.concurrently(CREATORS, t -> {
            for (int i = next.getAndIncrement(); i < args.instances(); i = next.getAndIncrement()) {
                String path = "/v1/tenants/" + tenant(i) + "/instances";
                Map<String, String> body = Map.of("name", instance(i), "service", "hello", "plan", "basic");
                HttpResponse<String> r = BenchPlane.retryingBusy(() -> server.send("POST", path, body), retried);
                if (r.statusCode() != 201 && r.statusCode() != 202 && refused.getAndIncrement() < 5) {
                    System.out.printf("create %s refused: HTTP %d %s%n", instance(i), r.statusCode(), r.body());
                }
            }
            return 0L;
        });
        long running = 0;
        long lastRunning = -1;
        long lastMove = System.nanoTime();
        while (running < args.instances() && System.nanoTime() - lastMove < Duration.ofMinutes(2).toNanos()) {
            running = runningInstances();
            if (running != lastRunning) lastMove = System.nanoTime();
            lastRunning = running;
            // a count reads the whole table: every 5 s until the last 1 %, then every second
            if (running < args.instances()) Thread.sleep(running < args.instances() * 0.99 ? 5000 : 1000);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        progress.interrupt();
        Creates result = new Creates(running, seconds, CpuMeter.processSeconds(server.pid()) - serverCpu,
                CpuMeter.compilerSeconds(server.pid()) - compilerCpu,
                CpuMeter.postgresSeconds(server.postgresData()) - postgresCpu - (server.probeSeconds() - probeCpu), server.probeSeconds() - probeCpu);
        System.out.printf("creates: %d of %d running after %.1f s (%.1f/s; the count is read every second for the last 1 %%), %d refused, %d retried after a 503;"
                + " the hollow machines run %d%n", running, args.instances(), seconds, result.perSecond(), refused.get(), retried.get(), cells.running());
        if (running > 0) {
            System.out.printf("database during the creates: %.1f commits and %.1f kB of WAL per create (all the server's work, the hollow agents' reports"
                    + " included)%n", (double) (server.count(COMMITS) - commits) / running, (server.count(WAL_BYTES) - walBytes) / 1024.0 / running);
            if (ScaleServer.DB_STATS) printDatabaseStatistics(startLsn, running);
        }
        return result;
    }

    /** Where the creates' WAL went, by kind of record, and the statements that ran most and wrote most, per create. */
    private void printDatabaseStatistics(String startLsn, long creates) throws Exception {
        System.out.println("WAL per create by resource manager (records in all, kB of records and of full-page images per create):");
        server.print("select \"resource_manager/record_type\", count, round(record_size / 1024.0 / " + creates + ", 2), round(fpi_size / 1024.0 / " + creates + ", 2)"
                + " from pg_get_wal_stats('" + startLsn + "', pg_current_wal_lsn(), false) where combined_size > 0 order by combined_size desc limit 8");
        String perCreate = "round(calls::numeric / " + creates + ", 2) as calls, round(wal_bytes / 1024.0 / " + creates + ", 2) as wal_kb,"
                + " round((total_exec_time / " + creates + ")::numeric, 3) as ms, round((total_plan_time / " + creates + ")::numeric, 3) as plan_ms,"
                + " left(regexp_replace(query, '\\s+', ' ', 'g'), 150)";
        System.out.println("all statements per create: calls, WAL kB, execution ms, planning ms");
        server.print("select round(sum(calls)::numeric / " + creates + ", 1), round(sum(wal_bytes) / 1024.0 / " + creates + ", 1),"
                + " round((sum(total_exec_time) / " + creates + ")::numeric, 2), round((sum(total_plan_time) / " + creates + ")::numeric, 2) from pg_stat_statements");
        System.out.println("statements per create, by execution time (calls, WAL kB, execution ms, planning ms, statement):");
        server.print("select " + perCreate + " from pg_stat_statements order by total_exec_time desc limit 20");
        System.out.println("statements per create, by WAL written (calls, WAL kB, execution ms, planning ms, statement):");
        server.print("select " + perCreate + " from pg_stat_statements order by wal_bytes desc limit 15");
        System.out.println("statements per create, by calls:");
        server.print("select " + perCreate + " from pg_stat_statements order by calls desc limit 25");
        System.out.println("row updates since the database was made, and how many stayed on their page (HOT: no index entries):");
        server.print("select relname, n_tup_upd, n_tup_hot_upd from pg_stat_user_tables where n_tup_upd > 0 order by n_tup_upd desc limit 8");
    }

    private long runningInstances() throws Exception {
        return server.count("select count(*) from instances where phase = 'RUNNING' and name like 'i-%'");
    }

    private void reportProgress(long start, AtomicInteger next) {
        try {
            while (true) {
                Thread.sleep(5000);
                long running = runningInstances();
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf("  %5.0f s: %d asked, %d running (%.1f/s)%n", seconds, Math.min(next.get(), args.instances()), running, running / seconds);
            }
        } catch (InterruptedException stop) {
            // the create phase is over
        } catch (Exception e) {
            System.out.println("  progress unknown: " + e.getMessage());
        }
    }

    /** p99 of GET one instance and of GET one page of a tenant's instances, in ms. */
    record Latencies(long instanceP99, long listP99) {}

    /** READERS readers at full speed while a writer creates BACKGROUND_WRITES_PER_SECOND more instances a second. */
    private Latencies readsUnderWrites() throws Exception {
        AtomicBoolean reading = new AtomicBoolean(true);
        AtomicInteger writes = new AtomicInteger();
        Thread writer = Thread.ofPlatform().start(() -> {
            try {
                server.call("POST", "/v1/tenants", Map.of("id", "background"));
                long period = 1_000_000_000L / BACKGROUND_WRITES_PER_SECOND;
                long next = System.nanoTime();
                while (reading.get()) {
                    server.call("POST", "/v1/tenants/background/instances", Map.of("name", "w-" + writes.getAndIncrement(), "service", "hello", "plan", "basic"));
                    next += period;
                    long wait = next - System.nanoTime();
                    if (wait > 0) Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
            } catch (Exception e) {
                System.out.println("background writes stopped: " + e.getMessage());
            }
        });
        List<Long> gets = Collections.synchronizedList(new ArrayList<>());
        List<Long> lists = Collections.synchronizedList(new ArrayList<>());
        long start = System.nanoTime();
        try {
            BenchPlane.concurrently(READERS, r -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                for (int n = 0; n < READS_PER_READER; n++) {
                    int i = random.nextInt(args.instances());
                    gets.add(timed("/v1/tenants/" + tenant(i) + "/instances/" + instance(i)));
                    lists.add(timed("/v1/tenants/" + tenant(i) + "/instances?limit=" + PER_TENANT));
                }
                return 0L;
            });
        } finally {
            reading.set(false);
            writer.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Latencies result = new Latencies(BenchPlane.percentile(gets, 99), BenchPlane.percentile(lists, 99));
        System.out.printf("reads under %d creates/s (%d in %.1f s): GET instance p50 %d ms p99 %d ms; GET a page of %d instances p50 %d ms p99 %d ms (%d each)%n",
                BACKGROUND_WRITES_PER_SECOND, writes.get(), seconds, BenchPlane.percentile(gets, 50), result.instanceP99(), PER_TENANT,
                BenchPlane.percentile(lists, 50), result.listP99(), gets.size());
        return result;
    }

    private long timed(String path) throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> r = server.send("GET", path, null);
        long ms = (System.nanoTime() - start) / 1_000_000;
        if (r.statusCode() != 200) throw new IllegalStateException("GET " + path + ": HTTP " + r.statusCode() + " " + r.body());
        return ms;
    }

    /** Seconds from restarting every agent at once until each has the server's full desired state and the server has its report. */
    private double resync() throws Exception {
        Instant restartAt = Instant.now();
        long start = System.nanoTime();
        cells.restartAll();
        long deadline = start + Duration.ofMinutes(5).toNanos();
        while (!(cells.allSynced() && reportedSince(restartAt))) {
            if (System.nanoTime() > deadline) {
                System.out.printf("resync: %d agents restarted at once; not all had the full desired state and had reported within 5 minutes"
                        + " (%s)%n", args.cells(), cells.allSynced() ? "every agent synced; not every cell reported since" : "not every agent synced");
                return (System.nanoTime() - start) / 1e9;
            }
            Thread.sleep(100);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("resync: %d agents restarted at once; all had the full desired state and had reported after %.1f s%n", args.cells(), seconds);
        return seconds;
    }

    private boolean reportedSince(Instant restartAt) throws Exception {
        try (var c = server.database(); var s = c.prepareStatement("select count(*) from cells where last_seen > ?")) {
            s.setObject(1, java.sql.Timestamp.from(restartAt));
            try (var rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1) >= args.cells();
            }
        }
    }
}
