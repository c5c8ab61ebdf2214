package dev.tenantry.agent;

import dev.tenantry.api.Json;
import dev.tenantry.api.cell.CellDesiredState;
import dev.tenantry.api.cell.Deployment;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The last desired state received, on disk, so that an agent restarted while the server is unreachable still runs its
 * cell's workloads (static stability). It is a snapshot of the whole state ({@code desired-state.json}, written
 * atomically) and a journal of the changes received after it ({@code desired-state.journal}, one JSON line each), so a
 * change costs what it holds rather than the whole cell. The journal's first line names the snapshot it follows by
 * digest: a journal left beside another snapshot (a crash between the two writes) is ignored. A torn last line (a crash
 * while appending) is ignored too; the change it held was not applied yet, since a change is cached before it is run.
 * The journal is folded into a new snapshot once it is larger than the snapshot (at least {@link #MIN_JOURNAL_BYTES}), so
 * each byte of state is written at most about twice.
 */
final class DesiredStateCache {
    static final long MIN_JOURNAL_BYTES = 1 << 20;
    private static final String HEADER = "snapshot ";

    private final Path snapshot;
    private final Path journal;
    private final long minJournalBytes;
    /** The snapshot's length, and the journal's since this process wrote its header (-1: it appends to no journal yet). */
    private long snapshotBytes;
    private long journalBytes = -1;

    DesiredStateCache(Path workDir) {
        this(workDir, MIN_JOURNAL_BYTES);
    }

    DesiredStateCache(Path workDir, long minJournalBytes) {
        this.snapshot = workDir.resolve("desired-state.json");
        this.journal = workDir.resolve("desired-state.journal");
        this.minJournalBytes = minJournalBytes;
    }

    /** The cached state, whole (snapshot and journal merged); empty when there is none or the snapshot cannot be read. */
    Optional<CellDesiredState> load() {
        byte[] base;
        CellDesiredState state;
        try {
            base = Files.readAllBytes(snapshot);
            state = Json.readTolerant(new String(base, StandardCharsets.UTF_8), CellDesiredState.class);
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(journal, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return Optional.of(state); // no journal: the snapshot is all
        }
        if (lines.isEmpty() || !lines.get(0).equals(HEADER + digest(base))) return Optional.of(state);
        Map<String, Deployment> deployments = new LinkedHashMap<>();
        state.deployments().forEach(d -> deployments.put(d.instanceUid(), d));
        long revision = state.revision();
        for (String line : lines.subList(1, lines.size())) {
            CellDesiredState change;
            try {
                change = Json.readTolerant(line, CellDesiredState.class);
            } catch (IllegalArgumentException e) {
                break; // torn by a crash while it was written: the change was never run
            }
            merge(deployments, change);
            revision = change.revision();
        }
        return Optional.of(new CellDesiredState(state.cell(), revision, true, List.copyOf(deployments.values()), List.of(), List.of()));
    }

    /** Applies a full or incremental state to the deployments by instance uid. */
    static void merge(Map<String, Deployment> deployments, CellDesiredState change) {
        if (change.full()) deployments.clear();
        change.removed().forEach(deployments::remove);
        change.purged().forEach(deployments::remove);
        change.deployments().forEach(d -> deployments.put(d.instanceUid(), d));
    }

    /**
     * Caches {@code change}: appended to the journal when incremental, or a new snapshot of {@code whole} (the state
     * with the change merged) when the change is full, the journal has grown past the snapshot, or this process has
     * not written a snapshot yet (it never appends to a journal it did not start).
     */
    void save(CellDesiredState change, Supplier<CellDesiredState> whole) throws IOException {
        if (change.full() || journalBytes < 0 || journalBytes > Math.max(minJournalBytes, snapshotBytes)) {
            writeSnapshot(whole.get());
            return;
        }
        byte[] line = (Json.write(change) + "\n").getBytes(StandardCharsets.UTF_8);
        try (OutputStream out = Files.newOutputStream(journal, StandardOpenOption.APPEND)) {
            out.write(line);
        }
        journalBytes += line.length;
    }

    private void writeSnapshot(CellDesiredState state) throws IOException {
        byte[] bytes = Json.write(state).getBytes(StandardCharsets.UTF_8);
        byte[] header = (HEADER + digest(bytes) + "\n").getBytes(StandardCharsets.UTF_8);
        Json.writeAtomically(snapshot, bytes);
        Json.writeAtomically(journal, header);
        snapshotBytes = bytes.length;
        journalBytes = header.length;
    }

    private static String digest(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
