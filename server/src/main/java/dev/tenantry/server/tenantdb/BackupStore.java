package dev.tenantry.server.tenantdb;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Where encrypted backups are kept, by key. {@link DirectoryBackupStore} keeps them in a directory (dev mode, or a
 * mounted volume); an S3-compatible object store fits the same four calls (put as a multipart upload on close, get,
 * delete, exists).
 */
public interface BackupStore {
    /** Writes an object: it exists, whole, only when {@code writer} returned; if it throws, nothing is left. */
    void write(String key, Writer writer) throws IOException;

    interface Writer {
        void writeTo(OutputStream out) throws IOException;
    }

    InputStream open(String key) throws IOException;

    void delete(String key) throws IOException;

    boolean exists(String key) throws IOException;

    /** Where it keeps them, for messages. */
    String describe();
}
