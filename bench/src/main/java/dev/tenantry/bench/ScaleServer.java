package dev.tenantry.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantry.api.Json;
import dev.tenantry.server.store.EmbeddedPostgres;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code tenantry server} in its own JVM (the launcher's default flags, so that its memory and CPU are its own) on a
 * PostgreSQL of the benchmark's, with the API's rate limits off and agents' bearer tokens accepted; the benchmark reads
 * the database directly only to count and size what it measures.
 */
final class ScaleServer implements AutoCloseable {
    private final EmbeddedPostgres postgres;
    private final Process process;
    private final Path postgresDataDir;
    final String url;
    final String admin;

    private ScaleServer(EmbeddedPostgres postgres, Path postgresDataDir, Process process, String url, String admin) {
        this.postgres = postgres;
        this.postgresDataDir = postgresDataDir;
        this.process = process;
        this.url = url;
        this.admin = admin;
    }

    static ScaleServer start(Path home) throws Exception {
        EmbeddedPostgres postgres = EmbeddedPostgres.start(home.resolve("postgres"));
        if (!POSTGRES_SETTINGS.isEmpty()) postgres = withSettings(postgres, home.resolve("postgres"), POSTGRES_SETTINGS);
        if (DB_STATS) postgres = StatementStatistics.loadInto(postgres, home.resolve("postgres"));
        Path serverHome = Files.createDirectories(home.resolve("server"));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(List.of(System.getenv().getOrDefault("SCALE_SERVER_JAVA_OPTS", "-Xmx512m -XX:+UseSerialGC").split(" ")));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.tenantry.app.Main", "server", "--home", serverHome.toString(),
                "--api-port", "0", "--agent-tokens", "--api-reads-per-second", "0", "--api-writes-per-second", "0",
                "--db-url", postgres.jdbcUrl(), "--db-user", postgres.user(), "--db-password", postgres.password()));
        // -Dbench.serverArgs=--workers=8,--database-workers=4: more options of tenantry server, for comparisons
        if (!System.getProperty("bench.serverArgs", "").isBlank()) command.addAll(List.of(System.getProperty("bench.serverArgs").split(",")));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(home.resolve("server.log").toFile()).start();
        Path urlFile = serverHome.resolve("api.url");
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!Files.exists(urlFile)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                postgres.close();
                throw new IllegalStateException("the server did not start: " + Files.readString(home.resolve("server.log")));
            }
            Thread.sleep(100);
        }
        return BenchPlane.closedOnExit(new ScaleServer(postgres, home.resolve("postgres"), process, Files.readString(urlFile).strip(),
                Files.readString(serverHome.resolve("admin.token")).strip()));
    }

    /** {@code -Dbench.dbStats=true}: PostgreSQL counts statements (pg_stat_statements) and can break its WAL down (pg_walinspect). */
    static final boolean DB_STATS = Boolean.getBoolean("bench.dbStats");

    /**
     * {@code -Dbench.postgresSettings=name=value,...}: PostgreSQL settings for the benchmark's database (say
     * {@code shared_buffers=1GB}, sized for a large fleet; the embedded default is dev mode's 64MB).
     */
    static final List<String> POSTGRES_SETTINGS = System.getProperty("bench.postgresSettings", "").isBlank() ? List.of()
            : List.of(System.getProperty("bench.postgresSettings").split(","));

    /** The same PostgreSQL started again with these settings ({@code name=value}). */
    private static EmbeddedPostgres withSettings(EmbeddedPostgres postgres, Path dataDir, List<String> settings) throws Exception {
        try (Connection c = DriverManager.getConnection(postgres.jdbcUrl(), postgres.user(), postgres.password())) {
            for (String setting : settings) {
                String[] nameValue = setting.split("=", 2);
                if (nameValue.length != 2 || !nameValue[0].strip().matches("[a-z_.]+")) {
                    throw new IllegalArgumentException("bench.postgresSettings: '" + setting + "' is not name=value");
                }
                c.createStatement().execute("alter system set " + nameValue[0].strip() + " = '" + nameValue[1].strip().replace("'", "''") + "'");
            }
        }
        postgres.close();
        return EmbeddedPostgres.start(dataDir);
    }

    HttpResponse<String> send(String method, String path, Object body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(Json.write(body)));
        return BenchPlane.HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A change that must succeed (2xx), else the benchmark stops with the answer. */
    JsonNode call(String method, String path, Object body) throws IOException, InterruptedException {
        HttpResponse<String> r = send(method, path, body);
        if (r.statusCode() >= 300) throw new IllegalStateException(method + " " + path + ": HTTP " + r.statusCode() + " " + r.body());
        return r.body().isEmpty() ? null : Json.MAPPER.readTree(r.body());
    }

    Connection database() throws SQLException {
        return DriverManager.getConnection(postgres.jdbcUrl(), postgres.user(), postgres.password());
    }

    /**
     * A number the benchmark asks PostgreSQL for (a count), on its one probe connection: its backend's CPU is the
     * benchmark's, not the server's ({@link #probeSeconds}), and no connection is opened per question.
     */
    long count(String sql) throws SQLException {
        probeLock.lock();
        try {
            if (probe == null) {
                probe = database();
                try (ResultSet rs = probe.createStatement().executeQuery("select pg_backend_pid()")) {
                    rs.next();
                    probePid = rs.getLong(1);
                }
            }
            try (ResultSet rs = probe.createStatement().executeQuery(sql)) {
                rs.next();
                return rs.getLong(1);
            }
        } finally {
            probeLock.unlock();
        }
    }

    /** CPU seconds PostgreSQL has spent so far answering the benchmark's counts (its probe connection's backend). */
    double probeSeconds() {
        return probePid == 0 ? 0 : CpuMeter.processSeconds(probePid);
    }

    private final java.util.concurrent.locks.ReentrantLock probeLock = new java.util.concurrent.locks.ReentrantLock();
    private Connection probe;
    private volatile long probePid;

    String text(String sql) throws SQLException {
        try (Connection c = database(); ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** Prints every row of a query, its columns separated by two spaces. */
    void print(String sql) throws SQLException {
        try (Connection c = database(); ResultSet rs = c.createStatement().executeQuery(sql)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder line = new StringBuilder("  ");
                for (int i = 1; i <= columns; i++) line.append(i > 1 ? "  " : "").append(rs.getString(i));
                System.out.println(line);
            }
        }
    }

    /** The PostgreSQL's data directory. */
    Path postgresData() {
        return postgresDataDir;
    }

    long pid() {
        return process.pid();
    }

    /** The server JVM's resident memory, from the kernel. */
    long residentMegabytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
            if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
        }
        throw new IOException("no VmRSS for process " + process.pid());
    }

    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    @Override
    public void close() throws Exception {
        if (!closed.compareAndSet(false, true)) return;
        if (probe != null) probe.close();
        process.destroy();
        if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
        postgres.close();
    }
}
