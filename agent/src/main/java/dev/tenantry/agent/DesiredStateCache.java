package dev.tenantry.agent;

import dev.tenantry.api.Json;
import dev.tenantry.api.cell.CellDesiredState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
        if (!Files.exists(file)) return Optional.empty();
        try {
            return Optional.of(Json.read(Files.readString(file, StandardCharsets.UTF_8), CellDesiredState.class));
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    void save(CellDesiredState state) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, Json.write(state), StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
