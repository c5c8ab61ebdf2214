package dev.tenantry.server.tenantdb;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Backups as files in a directory (0600 files under a 0700 directory). A file is written under a temporary name and
 * renamed when complete, so a crash never leaves a truncated backup under its real name; the next attempt at the same
 * backup deletes what the crashed one left.
 */
public final class DirectoryBackupStore implements BackupStore {
    private final Path dir;

    public DirectoryBackupStore(Path dir) {
        this.dir = dir;
    }

    @Override
    public void write(String key, Writer writer) throws IOException {
        ensureDirectory();
        Path target = file(key);
        deletePartials(key);
        Path tmp = Files.createTempFile(dir, ".partial-" + key + "-", ".tmp");
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            try (OutputStream out = Files.newOutputStream(tmp)) {
                writer.writeTo(out);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** What an earlier attempt at the same backup left when its process was killed half-way. */
    private void deletePartials(String key) throws IOException {
        try (var partials = Files.newDirectoryStream(dir, ".partial-" + key + "-*.tmp")) {
            for (Path partial : partials) Files.deleteIfExists(partial);
        }
    }

    @Override
    public InputStream open(String key) throws IOException {
        return Files.newInputStream(file(key));
    }

    @Override
    public void delete(String key) throws IOException {
        Files.deleteIfExists(file(key));
    }

    @Override
    public boolean exists(String key) {
        return Files.isRegularFile(file(key));
    }

    @Override
    public String describe() {
        return "directory " + dir;
    }

    private Path file(String key) {
        if (!key.matches("[a-z0-9_-]{1,100}")) throw new IllegalArgumentException("not a backup key: " + key);
        return dir.resolve(key + ".backup");
    }

    private void ensureDirectory() throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        }
    }
}
