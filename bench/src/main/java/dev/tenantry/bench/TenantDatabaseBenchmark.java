package dev.tenantry.bench;

import dev.tenantry.api.blueprint.Migration;
import dev.tenantry.api.model.DatabaseIsolation;
import dev.tenantry.examples.notes.NotesBlueprint;
import dev.tenantry.server.keys.BackupCipher;
import dev.tenantry.server.keys.KeyFile;
import dev.tenantry.server.store.EmbeddedPostgres;
import dev.tenantry.server.tenantdb.BackupFiles;
import dev.tenantry.server.tenantdb.DatabaseNames;
import dev.tenantry.server.tenantdb.DirectoryBackupStore;
import dev.tenantry.server.tenantdb.LogicalBackup;
import dev.tenantry.server.tenantdb.ServerAccess;
import dev.tenantry.server.tenantdb.TenantDatabase;
import dev.tenantry.server.tenantdb.TenantDatabaseAdmin;
import dev.tenantry.server.tenantdb.TenantMigrations;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The database workers' own work against a real PostgreSQL 18 (embedded, on this machine), without the control plane
 * around it: provisioning a tenant's database in each model (roles, the database or schema, the notes release's
 * migrations), and a logical backup and restore (gzip, Tink streaming AEAD, a directory store) of a tenant of about
 * {@code megabytes} MB.
 */
public final class TenantDatabaseBenchmark {
    public static void main(String[] args) throws Exception {
        int perModel = Integer.parseInt(args[0]);
        int megabytes = Integer.parseInt(args[1]);
        Path home = BenchPlane.temporaryHome("tenantry-bench-tenantdb-");
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(home.resolve("pgdata"))) {
            ServerAccess access = new ServerAccess("127.0.0.1", pg.port(), pg.user(), pg.password());
            List<Migration> migrations = NotesBlueprint.RELEASES.get("1.1.0").stream()
                    .map(f -> Migration.fromFile(f, NotesBlueprint.migration(f))).toList();
            System.out.printf("machine: %d cores; PostgreSQL %s (embedded, fsync on); %d tenants per model; notes 1.1.0 (2 migrations)%n",
                    Runtime.getRuntime().availableProcessors(), TenantDatabaseAdmin.inspect(access).version(), perModel);
            for (DatabaseIsolation model : List.of(DatabaseIsolation.shared, DatabaseIsolation.schema, DatabaseIsolation.database)) {
                List<Long> millis = new ArrayList<>();
                for (int i = 0; i < perModel; i++) {
                    TenantDatabase.Location l = DatabaseNames.locate(model, "bench", "notes", "ins_" + model.name().charAt(0) + "bench" + i);
                    long start = System.nanoTime();
                    TenantDatabaseAdmin.provision(access, l, l.login(1), "password-" + i);
                    TenantMigrations.migrate(access, l, migrations);
                    millis.add((System.nanoTime() - start) / 1_000_000);
                }
                System.out.printf("provision %-8s p50 %4d ms  p95 %4d ms  max %4d ms  (roles + %s + migrations, n=%d)%n", model,
                        BenchPlane.percentile(millis, 50), BenchPlane.percentile(millis, 95), BenchPlane.percentile(millis, 100),
                        model == DatabaseIsolation.shared ? "pool rows' policies" : model == DatabaseIsolation.schema ? "schema" : "database", perModel);
            }
            backupAndRestore(access, migrations, home, megabytes);
        }
    }

    private static void backupAndRestore(ServerAccess access, List<Migration> migrations, Path home, int megabytes) throws Exception {
        TenantDatabase.Location l = DatabaseNames.locate(DatabaseIsolation.schema, "bench", "notes", "ins_bigtenant");
        TenantDatabaseAdmin.provision(access, l, l.login(1), "big-password");
        TenantMigrations.migrate(access, l, migrations);
        long bytes;
        long rows;
        try (Connection c = access.connect(l.database()); Statement s = c.createStatement()) {
            // ~110 bytes of text per row, varied so that gzip does not make it trivial
            long target = (long) megabytes * 1024 * 1024 / 150;
            s.execute("insert into \"" + l.schema() + "\".notes (body, author) select md5(g::text) || ' ' || md5((g * 7)::text) || ' '"
                    + " || md5((g * 13)::text), 'author ' || (g % 1000) from generate_series(1, " + target + ") g");
            s.execute("vacuum analyze \"" + l.schema() + "\".notes");
            try (ResultSet rs = s.executeQuery("select pg_total_relation_size('\"" + l.schema() + "\".notes'), count(*) from \"" + l.schema() + "\".notes")) {
                rs.next();
                bytes = rs.getLong(1);
                rows = rs.getLong(2);
            }
        }
        Path keyFile = home.resolve("master.key");
        BackupFiles files = new BackupFiles(new DirectoryBackupStore(home.resolve("backups")), new BackupCipher(KeyFile.openOrCreate(keyFile)));
        long start = System.nanoTime();
        BackupFiles.Written written = files.dump("bk_bench", access, l, "ins_bigtenant");
        double dumpSeconds = (System.nanoTime() - start) / 1e9;
        start = System.nanoTime();
        LogicalBackup.Summary restored = files.restore("bk_bench", written.wrappedKey(), access, l);
        double restoreSeconds = (System.nanoTime() - start) / 1e9;
        double mb = bytes / 1024.0 / 1024.0;
        System.out.printf("tenant of %.0f MB (table and indexes), %d rows; backup file %.1f MB (gzip + encryption)%n", mb, rows, written.bytes() / 1024.0 / 1024.0);
        System.out.printf("backup   %5.1f s  %5.1f MB/s of database%n", dumpSeconds, mb / dumpSeconds);
        System.out.printf("restore  %5.1f s  %5.1f MB/s of database (one transaction; %d rows)%n", restoreSeconds, mb / restoreSeconds, restored.rows());
    }
}
