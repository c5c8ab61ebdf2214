package dev.tenantry.app;

import java.io.IOException;
import java.nio.file.Path;

/** Starts the packaged {@code ./tenantry up} on random ports with a given home, its output going to a log file. */
final class UpLauncher {
    static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();

    private UpLauncher() {}

    static Process start(Path home, Path log) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(ROOT.resolve("tenantry").toString(), "up", "--api-port", "0", "--gateway-port", "0")
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("TENANTRY_HOME", home.toString());
        pb.environment().put("TENANTRY_SKIP_BUILD", "1");
        return pb.start();
    }
}
