package dev.tenantry.server.tenantdb;

import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Copies a tenant's data from one location to another (another model, maybe another server): a logical dump of the
 * source streamed straight into a restore at the target, in one transaction there; nothing touches a disk.
 */
public final class TenantMove {
    private static final int PIPE_BUFFER = 1 << 20;

    private TenantMove() {}

    public static LogicalBackup.Summary copy(ServerAccess fromAccess, TenantDatabase.Location from, ServerAccess toAccess, TenantDatabase.Location to,
                                             String instanceUid) {
        try (PipedInputStream in = new PipedInputStream(PIPE_BUFFER); PipedOutputStream out = new PipedOutputStream(in)) {
            CompletableFuture<LogicalBackup.Summary> dump = CompletableFuture.supplyAsync(() -> {
                try (out; java.io.BufferedOutputStream buffered = new java.io.BufferedOutputStream(out, PIPE_BUFFER)) {
                    LogicalBackup.Summary summary = LogicalBackup.dump(fromAccess, from, instanceUid, buffered);
                    buffered.flush();
                    return summary;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, task -> Thread.ofVirtual().name("move-" + instanceUid).start(task));
            LogicalBackup.Summary restored;
            try {
                restored = LogicalBackup.restore(toAccess, to, new java.io.BufferedInputStream(in, PIPE_BUFFER));
            } catch (RuntimeException e) {
                dump.cancel(true);
                throw e;
            }
            LogicalBackup.Summary dumped = dump.get();
            if (dumped.rows() != restored.rows()) {
                throw new IllegalStateException("copied " + restored.rows() + " rows of " + dumped.rows());
            }
            return restored;
        } catch (IOException e) {
            throw new UncheckedIOException("copying " + from.database() + " to " + to.database(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while copying " + from.database(), e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }
}
