package dev.tenantry.agent.driver;

import dev.tenantry.api.Hashes;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where an agent writes its replicas' secret files: a directory of its own in memory ({@code /dev/shm}), apart from its
 * work directory, so that no secret ever reaches a disk or a copy of the work directory. Without {@code /dev/shm}, the
 * system's temporary directory.
 */
final class SecretDirectories {
    private SecretDirectories() {}

    static Path forAgent(Path workDir) {
        Path shm = Path.of("/dev/shm");
        Path root = Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir"));
        return root.resolve("tenantry-secrets-" + Hashes.sha256(workDir.toAbsolutePath().normalize().toString()).substring(0, 16));
    }
}
