package dev.tenantry.agent.usage;

import dev.tenantry.agent.driver.Driver;
import dev.tenantry.agent.metrics.ProcessUsage;
import dev.tenantry.api.Json;
import dev.tenantry.api.cell.InstanceTraffic;
import dev.tenantry.api.cell.ObservedReplica;
import dev.tenantry.api.cell.UsageReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Meters the cell's instances every {@code interval} ({@link UsageMeter}) and sends the reports to the server. The
 * meter's marks and the reports not yet accepted live in one file ({@code usage.json}), replaced atomically after each
 * sample and each accepted report: a restarted agent goes on from its last sample (no interval lost or counted twice),
 * and reports wait there while the server is away.
 */
public final class UsageRecorder {
    /** How often instances are sampled by default. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(1);
    private static final Logger log = LoggerFactory.getLogger(UsageRecorder.class);

    /** Where the reports go: true when the server recorded it (now or before). */
    public interface Sink {
        boolean send(UsageReport report) throws IOException, InterruptedException;
    }

    private final Path file;
    private final Path instancesDir;
    private final Supplier<List<Driver.Running>> running;
    private final Function<String, InstanceTraffic> traffic;
    private final Sink sink;
    private final Clock clock;
    private final Duration interval;
    private UsageMeter.State state;
    private boolean resumed;
    private Thread thread;

    public UsageRecorder(Path workDir, Supplier<List<Driver.Running>> running, Function<String, InstanceTraffic> traffic, Sink sink,
                         Clock clock, Duration interval) {
        this.file = workDir.resolve("usage.json");
        this.instancesDir = workDir.resolve("instances");
        this.running = running;
        this.traffic = traffic;
        this.sink = sink;
        this.clock = clock;
        this.interval = interval;
    }

    public UsageRecorder start() {
        open();
        thread = Thread.ofPlatform().name("agent-usage").daemon().start(this::loop);
        return this;
    }

    /** Reads the meter's file (a fresh meter without one). */
    void open() {
        state = load();
        resumed = state.lastAt() != null;
    }

    public void stop() {
        if (thread != null) thread.interrupt();
    }

    private UsageMeter.State load() {
        if (!Files.exists(file)) return UsageMeter.State.fresh();
        try {
            return Json.MAPPER.readValue(file.toFile(), UsageMeter.State.class);
        } catch (IOException e) {
            log.warn("The usage meter's file {} cannot be read ({}); metering starts afresh and the server records the gap", file, e.getMessage());
            return UsageMeter.State.fresh();
        }
    }

    private void loop() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                sampleOnce();
                sendPending();
                Thread.sleep(interval.toMillis());
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                log.warn("Usage metering: {} (trying again in {} s)", e.toString(), interval.toSeconds());
                try {
                    Thread.sleep(interval.toMillis());
                } catch (InterruptedException stop) {
                    return;
                }
            }
        }
    }

    /** Samples every running instance once and keeps the result on disk. */
    void sampleOnce() throws IOException {
        ProcessUsage.Table processes = ProcessUsage.Table.read();
        List<UsageMeter.Observation> observed = new ArrayList<>();
        for (Driver.Running r : running.get()) {
            String uid = r.deployment().instanceUid();
            Map<Long, Double> cpu = new HashMap<>();
            long resident = 0;
            boolean alive = false;
            for (ObservedReplica replica : r.observed().replicas()) {
                if (replica.pid() == null) continue;
                ProcessUsage usage = processes.usage(replica.pid());
                cpu.put(replica.pid(), usage.cpuSeconds());
                resident += usage.residentBytes();
                alive |= !replica.standby();
            }
            InstanceTraffic seen = traffic.apply(uid);
            observed.add(new UsageMeter.Observation(uid, alive, cpu, resident, seen == null ? null : seen.stats(), bytesUnder(instancesDir.resolve(uid)
                    .resolve("data"))));
        }
        state = UsageMeter.sample(state, clock.instant(), observed, resumed);
        resumed = false;
        save();
    }

    /** Sends the waiting reports in order until one is not accepted. */
    void sendPending() throws IOException, InterruptedException {
        int accepted = 0;
        try {
            for (UsageReport report : state.pending()) {
                if (!sink.send(report)) break;
                accepted++;
            }
        } finally {
            if (accepted > 0) {
                state = state.withoutFirst(accepted);
                save();
            }
        }
    }

    private void save() throws IOException {
        Path tmp = file.resolveSibling("usage.json.tmp");
        Files.writeString(tmp, Json.write(state));
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** A file's size; nothing when it was removed since it was listed (the workload deleted it). */
    private static long sizeOrNothing(Path file) {
        try {
            return Files.size(file);
        } catch (java.nio.file.NoSuchFileException gone) {
            return 0;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot measure " + file, e);
        }
    }

    private static long bytesUnder(Path dir) {
        if (!Files.isDirectory(dir)) return 0;
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(UsageRecorder::sizeOrNothing).sum();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot measure " + dir, e);
        }
    }
}
