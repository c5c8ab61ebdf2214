package dev.tenantry.agent.driver;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Finds the executable a command names, the way a shell would, so that "not found" is reported before starting. */
final class Executables {
    private Executables() {}

    static Optional<Path> resolve(String command, Path workingDir) {
        if (command.contains("/")) {
            Path p = workingDir.resolve(command);
            return Files.isRegularFile(p) && Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        }
        String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) continue;
            Path p = Path.of(dir, command);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) return Optional.of(p);
        }
        return Optional.empty();
    }
}
