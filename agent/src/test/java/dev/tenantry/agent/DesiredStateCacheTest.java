package dev.tenantry.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.api.blueprint.Component;
import dev.tenantry.api.cell.CellDesiredState;
import dev.tenantry.api.cell.Deployment;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent's cached desired state: a snapshot and a journal of changes, read back whole after a crash at any write. */
class DesiredStateCacheTest {
    @TempDir
    Path work;
    private final Map<String, Deployment> desired = new LinkedHashMap<>();

    private static Deployment deployment(String uid, long generation) {
        Component web = new Component("web", List.of("/bin/true"), List.of(), Map.of(), List.of(), null, null, 1);
        return new Deployment(uid, "acme", "app-" + uid, generation, "svc", "1.0." + generation, List.of(web), null, null, null, false);
    }

    private static CellDesiredState change(long revision, List<Deployment> deployments, List<String> removed) {
        return new CellDesiredState("c1", revision, false, deployments, removed, List.of());
    }

    /** What the agent does: merges the change, then caches it. */
    private void receive(DesiredStateCache cache, CellDesiredState change) throws IOException {
        DesiredStateCache.merge(desired, change);
        List<Deployment> whole = List.copyOf(desired.values());
        cache.save(change, () -> new CellDesiredState("c1", change.revision(), true, whole, List.of(), List.of()));
    }

    private Path journal() {
        return work.resolve("desired-state.journal");
    }

    @Test
    void changesAreAppendedAndReadBackMergedAcrossRestarts() throws IOException {
        for (int restart = 0; restart < 5; restart++) {
            DesiredStateCache cache = new DesiredStateCache(work);
            cache.load().ifPresent(s -> DesiredStateCache.merge(desired, s));
            if (restart == 0) receive(cache, new CellDesiredState("c1", 1, true, List.of(deployment("a", 1)), List.of(), List.of()));
            receive(cache, change(10 * restart + 2, List.of(deployment("n" + restart, 1)), List.of()));
            long snapshotBefore = Files.size(work.resolve("desired-state.json"));
            receive(cache, change(10 * restart + 3, List.of(deployment("a", restart + 2)), restart > 0 ? List.of("n" + (restart - 1)) : List.of()));
            assertThat(Files.size(work.resolve("desired-state.json"))).as("a change goes to the journal, not the snapshot").isEqualTo(snapshotBefore);
            CellDesiredState loaded = new DesiredStateCache(work).load().orElseThrow();
            assertThat(loaded.full()).isTrue();
            assertThat(loaded.revision()).isEqualTo(10 * restart + 3);
            assertThat(loaded.deployments()).containsExactlyInAnyOrderElementsOf(desired.values());
            assertThat(loaded.deployments()).extracting(Deployment::instanceUid).containsExactlyInAnyOrder("a", "n" + restart);
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(journal()))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(work.resolve("desired-state.json")))).isEqualTo("rw-------");
    }

    @Test
    void aLineTornByACrashIsIgnored() throws IOException {
        DesiredStateCache cache = new DesiredStateCache(work);
        receive(cache, new CellDesiredState("c1", 1, true, List.of(deployment("a", 1)), List.of(), List.of()));
        receive(cache, change(2, List.of(deployment("b", 1)), List.of()));
        Files.writeString(journal(), "{\"cell\":\"c1\",\"revision\":3,\"full\":false,\"deploym", StandardOpenOption.APPEND);
        CellDesiredState loaded = new DesiredStateCache(work).load().orElseThrow();
        assertThat(loaded.revision()).isEqualTo(2);
        assertThat(loaded.deployments()).extracting(Deployment::instanceUid).containsExactly("a", "b");

        DesiredStateCache next = new DesiredStateCache(work);
        receive(next, change(4, List.of(deployment("c", 1)), List.of()));
        assertThat(new DesiredStateCache(work).load().orElseThrow().deployments()).as("a new process starts a new journal after a torn one")
                .extracting(Deployment::instanceUid).containsExactly("a", "b", "c");
    }

    @Test
    void aJournalBesideAnotherSnapshotIsIgnored() throws IOException {
        DesiredStateCache cache = new DesiredStateCache(work);
        receive(cache, new CellDesiredState("c1", 1, true, List.of(deployment("a", 1)), List.of(), List.of()));
        receive(cache, change(2, List.of(deployment("b", 1)), List.of()));
        byte[] oldJournal = Files.readAllBytes(journal());
        receive(cache, new CellDesiredState("c1", 1, true, List.of(deployment("z", 1)), List.of(), List.of()));
        Files.write(journal(), oldJournal); // as if the crash came between the new snapshot and its journal
        assertThat(new DesiredStateCache(work).load().orElseThrow().deployments()).extracting(Deployment::instanceUid).containsExactly("z");
    }

    @Test
    void theJournalIsFoldedIntoASnapshotOnceItOutgrowsIt() throws IOException {
        DesiredStateCache cache = new DesiredStateCache(work, 4096);
        receive(cache, new CellDesiredState("c1", 1, true, List.of(deployment("a", 1)), List.of(), List.of()));
        long largest = 0;
        for (int i = 2; i < 200; i++) {
            receive(cache, change(i, List.of(deployment("a", i)), List.of()));
            largest = Math.max(largest, Files.size(journal()));
        }
        assertThat(largest).as("the journal is bounded by the threshold and one line").isLessThan(4096 + 2048);
        CellDesiredState loaded = new DesiredStateCache(work).load().orElseThrow();
        assertThat(loaded.revision()).isEqualTo(199);
        assertThat(loaded.deployments()).containsExactly(deployment("a", 199));
    }

    @Test
    void noSnapshotNoState() throws IOException {
        assertThat(new DesiredStateCache(work).load()).isEmpty();
        Files.writeString(work.resolve("desired-state.json"), "{not json", StandardCharsets.UTF_8);
        assertThat(new DesiredStateCache(work).load()).isEmpty();
    }
}
