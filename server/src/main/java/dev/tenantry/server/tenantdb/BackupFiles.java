package dev.tenantry.server.tenantdb;

import dev.tenantry.server.keys.BackupCipher;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/** Backups as the store keeps them: the logical dump, gzipped, encrypted with the backup's own key. */
public final class BackupFiles {
    private static final int BUFFER = 1 << 16;
    private final BackupStore store;
    private final BackupCipher cipher;

    public BackupFiles(BackupStore store, BackupCipher cipher) {
        this.store = store;
        this.cipher = cipher;
    }

    /** A stored backup: what it holds, its encrypted size, and its key (encrypted under the key-encryption key). */
    public record Written(LogicalBackup.Summary summary, long bytes, byte[] wrappedKey) {}

    public Written dump(String backupId, ServerAccess access, TenantDatabase.Location location, String instanceUid) throws IOException {
        LogicalBackup.Summary[] summary = new LogicalBackup.Summary[1];
        byte[][] key = new byte[1][];
        long[] bytes = new long[1];
        store.write(backupId, out -> {
            OutputStream counting = new FilterOutputStream(out) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                    bytes[0] += len;
                }

                @Override
                public void write(int b) throws IOException {
                    out.write(b);
                    bytes[0]++;
                }
            };
            BackupCipher.Sealing sealing = cipher.seal(backupId, counting);
            key[0] = sealing.wrappedKey();
            try (OutputStream gzip = new BufferedOutputStream(new GZIPOutputStream(sealing.stream(), BUFFER), BUFFER)) {
                summary[0] = LogicalBackup.dump(access, location, instanceUid, gzip);
            }
        });
        return new Written(summary[0], bytes[0], key[0]);
    }

    public LogicalBackup.Summary restore(String backupId, byte[] wrappedKey, ServerAccess access, TenantDatabase.Location location) throws IOException {
        if (wrappedKey == null) throw new LogicalBackup.RestoreRefusedException("backup " + backupId + " was not taken (or was deleted)");
        if (!store.exists(backupId)) throw new LogicalBackup.RestoreRefusedException("backup " + backupId + " is missing from the " + store.describe());
        try (InputStream in = new BufferedInputStream(new GZIPInputStream(cipher.open(backupId, wrappedKey, store.open(backupId)), BUFFER), BUFFER)) {
            return LogicalBackup.restore(access, location, in);
        }
    }

    public void delete(String backupId) throws IOException {
        store.delete(backupId);
    }

    public boolean exists(String backupId) throws IOException {
        return store.exists(backupId);
    }
}
