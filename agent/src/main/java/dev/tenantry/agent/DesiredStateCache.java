package dev.tenantry.agent;

import dev.tenantry.api.Json;
import dev.tenantry.api.cell.CellDesiredState;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The last desired state received, on disk, so that an agent restarted while the server is unreachable
 * still runs its cell's workloads (static stability). Written atomically: a crash never leaves half a file.
 */
final class DesiredStateCache {
    private final Path file;

    DesiredStateCache(Path workDir) {
        this.file = workDir.resolve("desired-state.json");
    }

    Optional<CellDesiredState> load() {
        try {
            return java.util.Optional.of(Json.readTolerant(java.nio.file.Files.readString(file), CellDesiredState.class));
        } catch (IOException | IllegalArgumentException e) {
            return java.util.Optional.empty();
        }
    }

    void save(CellDesiredState state) throws IOException {
        Json.writeAtomically(file, state);
    }
}
