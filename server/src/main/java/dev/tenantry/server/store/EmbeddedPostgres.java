package dev.tenantry.server.store;

import dev.tenantry.api.Directories;
import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL server from zonky's embedded binaries (PostgreSQL 18), with its data in a directory
 * that survives restarts.
 *
 * <p>zonky's own launcher is not used because it cannot run as root (PostgreSQL refuses uid 0, and
 * CI machines run as root) and it cannot adopt a postmaster left running by a process that was
 * killed with SIGKILL. Here, when the JVM runs as root, initdb and pg_ctl run in a user namespace
 * that maps root to an unprivileged uid; and a live postmaster found in the data directory is
 * reused instead of started twice.
 */
public final class EmbeddedPostgres implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgres.class);
    public static final String USER = "tenantry";
    private static final String BINARIES_VERSION = "18.6.0";

    private final Path binDir;
    private final Path dataDir;
    private final int port;
    private final String password;

    private EmbeddedPostgres(Path binDir, Path dataDir, int port, String password) {
        this.binDir = binDir;
        this.dataDir = dataDir;
        this.port = port;
        this.password = password;
    }

    /** Starts (or adopts) the server whose data lives in {@code dataDir}, initialising it on first use. */
    public static EmbeddedPostgres start(Path dataDir) throws IOException {
        Path binDir = binaries();
        Files.createDirectories(dataDir.getParent());
        Path passwordFile = dataDir.getParent().resolve(dataDir.getFileName() + ".password");
        if (!Files.exists(dataDir.resolve("PG_VERSION"))) {
            initdb(binDir, dataDir, passwordFile);
        }
        String password = Files.readString(passwordFile, StandardCharsets.UTF_8).strip();
        Integer running = runningPostmasterPort(dataDir);
        if (running != null) {
            log.info("Reusing the PostgreSQL server already running on port {} for {}", running, dataDir);
            return new EmbeddedPostgres(binDir, dataDir, running, password);
        }
        int port = preferredPort(dataDir);
        run(binDir, List.of(binDir.resolve("pg_ctl").toString(), "start", "-w", "-t", "60", "-D", dataDir.toString(),
                "-l", dataDir.getParent().resolve("postgres.log").toString(),
                "-o", "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c max_connections=200"
                        + " -c fsync=on -c shared_buffers=64MB"), Duration.ofSeconds(90));
        Files.writeString(portFile(dataDir), port + "\n", StandardCharsets.UTF_8);
        log.info("PostgreSQL {} started on port {} with data in {}", BINARIES_VERSION, port, dataDir);
        return new EmbeddedPostgres(binDir, dataDir, port, password);
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    public int port() {
        return port;
    }

    public String user() {
        return USER;
    }

    public String password() {
        return password;
    }

    /** Stops the server (fast shutdown: running transactions are rolled back, committed data is on disk). */
    @Override
    public void close() {
        try {
            run(binDir, List.of(binDir.resolve("pg_ctl").toString(), "stop", "-w", "-m", "fast", "-D", dataDir.toString()),
                    Duration.ofSeconds(60));
        } catch (IOException e) {
            log.warn("Stopping PostgreSQL failed: {}", e.getMessage());
        }
    }

    private static void initdb(Path binDir, Path dataDir, Path passwordFile) throws IOException {
        String password = HexFormat.of().formatHex(new SecureRandom().generateSeed(24));
        Files.writeString(passwordFile, password + "\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));
        Path tmp = Files.createTempDirectory(dataDir.getParent(), ".initdb-");
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwx------"));
        log.info("Initialising a new PostgreSQL data directory at {}", dataDir);
        run(binDir, List.of(binDir.resolve("initdb").toString(), "-D", tmp.toString(), "-U", USER, "-A", "scram-sha-256",
                "--pwfile=" + passwordFile, "-E", "UTF-8", "--locale=C", "--no-sync"), Duration.ofSeconds(120));
        // initdb into a temporary directory, then rename: a crash half-way never leaves a broken data directory
        Files.move(tmp, dataDir, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The port of a postmaster that a killed predecessor left running on this data directory, if it is alive. */
    private static Integer runningPostmasterPort(Path dataDir) throws IOException {
        Path pidFile = dataDir.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) return null;
        List<String> lines = Files.readAllLines(pidFile);
        if (lines.size() < 4) return null;
        long pid = Long.parseLong(lines.get(0).strip());
        boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        if (!alive) return null;
        return Integer.parseInt(lines.get(3).strip());
    }

    private static void run(Path binDir, List<String> command, Duration timeout) throws IOException {
        List<String> full = new ArrayList<>();
        if (isRoot()) {
            // PostgreSQL refuses to run as root: map root to an unprivileged uid in a user namespace
            String[] ids = unprivilegedUser();
            full.addAll(List.of("unshare", "--user", "--map-user=" + ids[0], "--map-group=" + ids[1]));
        }
        full.addAll(command);
        Path output = Files.createTempFile("tenantry-pg-", ".log");
        try {
            Process p = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(output.toFile())
                    .directory(binDir.toFile()).start();
            try {
                // onExit parks; Process.waitFor would pin a virtual thread on JDK 21-23
                p.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                p.destroyForcibly();
                throw new IOException(command.get(0) + " did not finish within " + timeout);
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IOException("cannot wait for " + command.get(0), e.getCause());
            }
            if (p.exitValue() != 0) {
                throw new IOException(Path.of(command.get(0)).getFileName() + " failed (exit " + p.exitValue() + "): "
                        + Files.readString(output).strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + command.get(0), e);
        } finally {
            Files.deleteIfExists(output);
        }
    }

    /** uid and gid of an existing unprivileged account ("nobody" where there is one): initdb looks its name up. */
    private static String[] unprivilegedUser() throws IOException {
        String[] fallback = null;
        for (String line : Files.readAllLines(Path.of("/etc/passwd"))) {
            String[] f = line.split(":");
            if (f.length < 4 || f[2].equals("0")) continue;
            if (f[0].equals("nobody")) return new String[] {f[2], f[3]};
            if (fallback == null) fallback = new String[] {f[2], f[3]};
        }
        if (fallback == null) throw new IOException("no unprivileged account in /etc/passwd to run PostgreSQL as");
        return fallback;
    }

    static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /**
     * The bin directory of zonky's PostgreSQL bundle, extracted once per machine (into the temp directory): what dev
     * mode's servers and the agents' dedicated database servers run.
     */
    public static Path binaries() throws IOException {
        Path target = Path.of(System.getProperty("java.io.tmpdir"), "tenantry-postgres-" + BINARIES_VERSION);
        if (Files.exists(target.resolve(".complete"))) return openToWorkloads(target).resolve("bin");
        Path tmp = Files.createTempDirectory(target.getParent(), "tenantry-postgres-extract-");
        try (InputStream bundle = DefaultPostgresBinaryResolver.INSTANCE.getPgBinary("Linux", "x86_64");
             TarArchiveInputStream tar = new TarArchiveInputStream(new XZCompressorInputStream(bundle))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path out = tmp.resolve(entry.getName()).normalize();
                if (!out.startsWith(tmp)) throw new IOException("bad entry in PostgreSQL bundle: " + entry.getName());
                if (entry.isDirectory()) {
                    Files.createDirectories(out);
                } else if (entry.isSymbolicLink()) {
                    Files.createDirectories(out.getParent());
                    Files.createSymbolicLink(out, Path.of(entry.getLinkName()));
                } else {
                    Files.createDirectories(out.getParent());
                    Files.copy(tar, out, StandardCopyOption.REPLACE_EXISTING);
                    if ((entry.getMode() & 0100) != 0) out.toFile().setExecutable(true, false);
                }
            }
        }
        Files.writeString(tmp.resolve(".complete"), BINARIES_VERSION);
        openToWorkloads(tmp);
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException alreadyThere) {
            if (!Files.exists(target.resolve(".complete"))) throw alreadyThere;
            Directories.deleteTree(tmp); // another process won the race
        }
        return target.resolve("bin");
    }

    /**
     * The binaries readable by every user (a temporary directory is its owner's only): an agent running as root runs
     * dedicated database servers as each tenant's user. Only a directory of this user's own is changed.
     */
    private static Path openToWorkloads(Path dir) throws IOException {
        java.util.Set<java.nio.file.attribute.PosixFilePermission> open = java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x");
        boolean own = Files.getOwner(dir).getName().equals(System.getProperty("user.name"));
        if (own && !Files.getPosixFilePermissions(dir).equals(open)) Files.setPosixFilePermissions(dir, open);
        return dir;
    }

    private static Path portFile(Path dataDir) {
        return dataDir.getParent().resolve(dataDir.getFileName() + ".port");
    }

    /** The port it had the last time when that is free (clients that remember it keep working), else any free port. */
    private static int preferredPort(Path dataDir) throws IOException {
        Path file = portFile(dataDir);
        if (Files.exists(file)) {
            try {
                int last = Integer.parseInt(Files.readString(file, StandardCharsets.UTF_8).strip());
                try (ServerSocket s = new ServerSocket(last, 1, java.net.InetAddress.getLoopbackAddress())) {
                    return s.getLocalPort();
                } catch (IOException taken) {
                    log.info("Port {} that PostgreSQL had last time is taken; it gets another", last);
                }
            } catch (NumberFormatException e) {
                log.warn("Ignoring {}: not a port number", file);
            }
        }
        return freePort();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
