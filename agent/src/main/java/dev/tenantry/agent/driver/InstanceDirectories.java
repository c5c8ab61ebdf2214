package dev.tenantry.agent.driver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;

/** An instance's directory: made or made again with mode 0700, so that nobody but its owner reads its data or logs. */
final class InstanceDirectories {
    static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    private InstanceDirectories() {}

    /** Creates the instance directory (0700, also when it existed with wider permissions) and the directories inside it. */
    static void create(Path instanceDir, List<Path> inside) throws IOException {
        Files.createDirectories(instanceDir);
        if (!Files.getPosixFilePermissions(instanceDir).equals(OWNER_ONLY)) Files.setPosixFilePermissions(instanceDir, OWNER_ONLY);
        for (Path dir : inside) Files.createDirectories(dir);
    }
}
