package dev.tenantry.server.tenantdb;

import static dev.tenantry.server.tenantdb.TenantDatabaseAdmin.quoteAny;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.tenantry.api.Json;
import dev.tenantry.api.blueprint.Migration;
import dev.tenantry.api.model.DatabaseIsolation;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyOut;

/**
 * A logical backup of one tenant's data, in every model: a header (the tables with their columns, the sequences, the
 * migration version), then each table's rows in PostgreSQL's COPY text format, each table ended by a {@code \.} line.
 * Read in one repeatable-read snapshot; in a shared pool only the tenant's rows, without the tenant column. A restore
 * replaces the tenant's data in one transaction (readers see the old data until it commits), into a schema at the
 * backup's migration version or later (columns added since get their defaults).
 */
public final class LogicalBackup {
    static final String MAGIC = "TENANTRY-BACKUP 1";
    private static final byte[] END_OF_TABLE = "\\.\n".getBytes(StandardCharsets.US_ASCII);

    private LogicalBackup() {}

    public record Table(String name, List<String> columns) {}

    public record Header(String instanceUid, DatabaseIsolation isolation, String migrationVersion, List<Table> tables, Map<String, Long> sequences) {}

    /** What a backup or restore moved: tables and rows. */
    public record Summary(String migrationVersion, int tables, long rows) {}

    public static Summary dump(ServerAccess access, TenantDatabase.Location l, String instanceUid, OutputStream out) throws IOException {
        try (Connection c = access.connect(l.database())) {
            c.setAutoCommit(false);
            TenantDatabaseAdmin.execute(c, "set transaction isolation level repeatable read, read only");
            Header header = new Header(instanceUid, l.isolation(), migrationVersion(c, l), tables(c, l), sequences(c, l));
            out.write((MAGIC + "\n" + Json.write(header) + "\n").getBytes(StandardCharsets.UTF_8));
            long rows = 0;
            for (Table t : header.tables()) {
                CopyOut copy = ((PGConnection) c.unwrap(PGConnection.class)).getCopyAPI().copyOut("copy (select " + columnList(t.columns())
                        + " from " + qualified(l, t.name()) + tenantFilter(l) + ") to stdout");
                byte[] row;
                while ((row = copy.readFromCopy()) != null) {
                    out.write(row);
                    rows++;
                }
                out.write(END_OF_TABLE);
            }
            c.commit();
            return new Summary(header.migrationVersion(), header.tables().size(), rows);
        } catch (SQLException e) {
            throw TenantDatabaseAdmin.failure(access, "backing up " + l.database(), e);
        }
    }

    /**
     * Replaces the tenant's data with the backup's, in one transaction. Refuses a backup of a later migration version
     * than the database has, or of another model's layout it cannot fit (a table or column the schema lacks fails it).
     */
    public static Summary restore(ServerAccess access, TenantDatabase.Location l, InputStream in) throws IOException {
        String magic = readLine(in);
        if (!MAGIC.equals(magic)) throw new RestoreRefusedException("not a Tenantry backup (or a newer format)");
        Header header;
        try {
            header = Json.MAPPER.readValue(readLine(in), Header.class);
        } catch (JsonProcessingException e) {
            throw new RestoreRefusedException("the backup's header cannot be read: " + e.getOriginalMessage());
        }
        try (Connection c = access.connect(l.database())) {
            c.setAutoCommit(false);
            String current = migrationVersion(c, l);
            if (header.migrationVersion() != null && (current == null || Migration.compareVersions(header.migrationVersion(), current) > 0)) {
                throw new RestoreRefusedException("the backup is of migration version " + header.migrationVersion() + " and the database is at "
                        + (current == null ? "none" : current) + ": move the instance to a release with those migrations first");
            }
            TenantDatabaseAdmin.execute(c, "set local session_replication_role = replica");
            clear(c, l);
            long rows = 0;
            for (Table t : header.tables()) rows += load(c, l, t, in);
            if (l.isolation() != DatabaseIsolation.shared) {
                restoreSequences(c, l, header.sequences());
                advanceSequencesPastRows(c, l);
            }
            c.commit();
            return new Summary(header.migrationVersion(), header.tables().size(), rows);
        } catch (SQLException e) {
            if (TenantDatabaseAdmin.isUnreachable(e)) throw TenantDatabaseAdmin.unreachable(access, e);
            throw new RestoreRefusedException("the data does not fit the database: " + e.getMessage());
        }
    }

    /**
     * Loads one table's rows. A shared pool's rows go through a temporary table (COPY into a table under row-level
     * security is refused) and are inserted with the tenant's role in the tenant column.
     */
    private static long load(Connection c, TenantDatabase.Location l, Table t, InputStream in) throws SQLException, IOException {
        boolean shared = l.isolation() == DatabaseIsolation.shared;
        String target = shared ? "tenantry_restore" : qualified(l, t.name());
        if (shared) {
            TenantDatabaseAdmin.execute(c, "create temporary table tenantry_restore on commit drop as select " + columnList(t.columns())
                    + " from " + qualified(l, t.name()) + " with no data");
        }
        CopyIn copy = ((PGConnection) c.unwrap(PGConnection.class)).getCopyAPI().copyIn("copy " + target + " (" + columnList(t.columns()) + ") from stdin");
        long rows = 0;
        for (byte[] line = readRow(in); line != null; line = readRow(in)) {
            copy.writeToCopy(line, 0, line.length);
            rows++;
        }
        copy.endCopy();
        if (shared) {
            try (PreparedStatement ps = c.prepareStatement("insert into " + qualified(l, t.name()) + " (" + columnList(t.columns()) + ", "
                    + DatabaseNames.TENANT_COLUMN + ") select " + columnList(t.columns()) + ", ? from tenantry_restore")) {
                ps.setString(1, l.role());
                ps.executeUpdate();
            }
            TenantDatabaseAdmin.execute(c, "drop table tenantry_restore");
        }
        return rows;
    }

    /** The restore cannot be done as asked; nothing was changed. */
    public static final class RestoreRefusedException extends RuntimeException {
        public RestoreRefusedException(String message) {
            super(message);
        }
    }


    /** Empties the tenant's tables (its rows of a shared pool's). */
    private static void clear(Connection c, TenantDatabase.Location l) throws SQLException {
        List<Table> current = tables(c, l);
        if (current.isEmpty()) return;
        if (l.isolation() == DatabaseIsolation.shared) {
            for (Table t : current) {
                try (PreparedStatement ps = c.prepareStatement("delete from " + qualified(l, t.name()) + " where " + DatabaseNames.TENANT_COLUMN + " = ?")) {
                    ps.setString(1, l.role());
                    ps.executeUpdate();
                }
            }
        } else {
            List<String> names = current.stream().map(t -> qualified(l, t.name())).toList();
            TenantDatabaseAdmin.execute(c, "truncate " + String.join(", ", names));
        }
    }

    private static List<Table> tables(Connection c, TenantDatabase.Location l) throws SQLException {
        List<Table> tables = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("select c.relname, array_agg(a.attname::text order by a.attnum) from pg_class c"
                + " join pg_namespace n on n.oid = c.relnamespace join pg_attribute a on a.attrelid = c.oid"
                + " where n.nspname = ? and c.relkind = 'r' and not c.relispartition and a.attnum > 0 and not a.attisdropped"
                + " and a.attgenerated = '' and a.attname <> ? and c.relname <> ? group by c.relname order by c.relname")) {
            ps.setString(1, l.schema());
            ps.setString(2, l.isolation() == DatabaseIsolation.shared ? DatabaseNames.TENANT_COLUMN : "");
            ps.setString(3, DatabaseNames.HISTORY_TABLE);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) tables.add(new Table(rs.getString(1), List.of((String[]) rs.getArray(2).getArray())));
            }
        }
        return tables;
    }

    private static Map<String, Long> sequences(Connection c, TenantDatabase.Location l) throws SQLException {
        Map<String, Long> sequences = new LinkedHashMap<>();
        if (l.isolation() == DatabaseIsolation.shared) return sequences;
        try (PreparedStatement ps = c.prepareStatement("select sequencename, last_value from pg_sequences where schemaname = ? order by sequencename")) {
            ps.setString(1, l.schema());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) sequences.put(rs.getString(1), (Long) rs.getObject(2));
            }
        }
        return sequences;
    }

    private static void restoreSequences(Connection c, TenantDatabase.Location l, Map<String, Long> sequences) throws SQLException {
        for (Map.Entry<String, Long> s : sequences.entrySet()) {
            try (PreparedStatement ps = c.prepareStatement("select setval(?, ?, ?)")) {
                ps.setString(1, quoteAny(l.schema()) + "." + quoteAny(s.getKey()));
                ps.setLong(2, s.getValue() == null ? 1 : s.getValue());
                ps.setBoolean(3, s.getValue() != null);
                ps.executeQuery().close();
            }
        }
    }

    /**
     * Moves every sequence that feeds a column of the tenant's tables past the largest value in it: rows copied from a
     * shared pool (whose sequences are the pool's, not in the backup) keep their ids, and new rows do not collide.
     */
    private static void advanceSequencesPastRows(Connection c, TenantDatabase.Location l) throws SQLException {
        List<String[]> owned = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("select s.relname, t.relname, a.attname from pg_class s"
                + " join pg_namespace n on n.oid = s.relnamespace join pg_depend d on d.objid = s.oid and d.deptype in ('a', 'i')"
                + " join pg_class t on t.oid = d.refobjid join pg_attribute a on a.attrelid = t.oid and a.attnum = d.refobjsubid"
                + " where s.relkind = 'S' and n.nspname = ?")) {
            ps.setString(1, l.schema());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) owned.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3)});
            }
        }
        for (String[] o : owned) {
            String sequence = quoteAny(l.schema()) + "." + quoteAny(o[0]);
            try (PreparedStatement ps = c.prepareStatement("select setval(?, m) from (select max(" + quoteAny(o[2]) + ") as m from "
                    + qualified(l, o[1]) + ") x where m is not null and m >= (select last_value from " + sequence + ")")) {
                ps.setString(1, sequence);
                ps.executeQuery().close();
            }
        }
    }

    /** The version of the last migration the tenant's history has (null: none, or no history yet). */
    static String migrationVersion(Connection c, TenantDatabase.Location l) throws SQLException {
        try (PreparedStatement exists = c.prepareStatement("select 1 from pg_tables where schemaname = ? and tablename = ?")) {
            exists.setString(1, l.schema());
            exists.setString(2, DatabaseNames.HISTORY_TABLE);
            try (ResultSet rs = exists.executeQuery()) {
                if (!rs.next()) return null;
            }
        }
        try (PreparedStatement ps = c.prepareStatement("select version from " + quoteAny(l.schema()) + "." + DatabaseNames.HISTORY_TABLE
                + " where success and version is not null order by installed_rank desc limit 1"); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static String qualified(TenantDatabase.Location l, String table) {
        return quoteAny(l.schema()) + "." + quoteAny(table);
    }

    private static String tenantFilter(TenantDatabase.Location l) {
        return l.isolation() == DatabaseIsolation.shared ? " where " + DatabaseNames.TENANT_COLUMN + " = '" + l.role() + "'" : "";
    }

    private static String columnList(List<String> columns) {
        return String.join(", ", columns.stream().map(TenantDatabaseAdmin::quoteAny).toList());
    }

    /** One row of a table's COPY data, newline included; null at the table's end line. */
    private static byte[] readRow(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        int b;
        while ((b = in.read()) != -1) {
            line.write(b);
            if (b == '\n') break;
        }
        if (b == -1) throw new RestoreRefusedException("the backup ends in the middle of a table (truncated?)");
        byte[] row = line.toByteArray();
        return java.util.Arrays.equals(row, END_OF_TABLE) ? null : row;
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            line.write(b);
            if (line.size() > 64 * 1024 * 1024) throw new RestoreRefusedException("the backup's header is too long");
        }
        return line.toString(StandardCharsets.UTF_8);
    }
}
