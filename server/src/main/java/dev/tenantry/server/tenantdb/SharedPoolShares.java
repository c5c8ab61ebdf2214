package dev.tenantry.server.tenantdb;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What each tenant of a shared pool stores: of every shared table, its whole size (rows, indexes, TOAST) shared out in
 * proportion to the bytes of each tenant's rows. The tenants share the tables, so nothing smaller than a table has a size
 * of its own; a tenant's rows are told by the tenant column. A table larger than {@code sampleAbove} is read from a
 * sample of its pages (about that many bytes of them) rather than whole, so that measuring a large pool stays cheap.
 */
public final class SharedPoolShares {
    /** Tables larger than this (bytes of rows on disk) are read from a sample of their pages. */
    public static final long DEFAULT_SAMPLE_ABOVE = 64L << 20;

    private SharedPoolShares() {}

    /** Bytes by tenant role in the pool {@code pool} is connected to (as its admin, who sees every tenant's rows). */
    public static Map<String, Long> of(Connection pool, long sampleAbove) throws SQLException {
        Map<String, Double> shares = new HashMap<>();
        for (Table t : sharedTables(pool)) {
            Map<String, Double> rowBytes = rowBytesByTenant(pool, t, sampleAbove);
            double all = rowBytes.values().stream().mapToDouble(Double::doubleValue).sum();
            if (all <= 0) continue;
            rowBytes.forEach((tenant, bytes) -> shares.merge(tenant, t.totalBytes() * bytes / all, Double::sum));
        }
        Map<String, Long> rounded = new HashMap<>();
        shares.forEach((tenant, bytes) -> rounded.put(tenant, Math.round(bytes)));
        return rounded;
    }

    private record Table(String name, long heapBytes, long totalBytes) {}

    private static List<Table> sharedTables(Connection pool) throws SQLException {
        List<Table> tables = new ArrayList<>();
        try (PreparedStatement ps = pool.prepareStatement("select c.relname, pg_relation_size(c.oid), pg_total_relation_size(c.oid) from pg_class c"
                + " join pg_namespace n on n.oid = c.relnamespace join pg_attribute a on a.attrelid = c.oid"
                + " where n.nspname = 'public' and c.relkind = 'r' and a.attname = ? and not a.attisdropped")) {
            ps.setString(1, DatabaseNames.TENANT_COLUMN);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) tables.add(new Table(rs.getString(1), rs.getLong(2), rs.getLong(3)));
            }
        }
        return tables;
    }

    /** The bytes of each tenant's rows in the table (estimated from a sample of pages for a large table; in proportion, that is all that counts). */
    private static Map<String, Double> rowBytesByTenant(Connection pool, Table t, long sampleAbove) throws SQLException {
        String sample = "";
        if (t.heapBytes() > sampleAbove) {
            double percent = Math.max(0.01, Math.min(100, 100.0 * sampleAbove / t.heapBytes()));
            // repeatable: the same pages each time, so that a tenant's measured share does not jump between measurements
            sample = String.format(java.util.Locale.ROOT, " tablesample system (%.4f) repeatable (0)", percent);
        }
        Map<String, Double> bytes = new HashMap<>();
        try (PreparedStatement ps = pool.prepareStatement("select " + DatabaseNames.TENANT_COLUMN + ", sum(pg_column_size(t.*))::float8 from public."
                + TenantDatabaseAdmin.quoteAny(t.name()) + " t" + sample + " group by 1")) {
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) bytes.put(rs.getString(1), rs.getDouble(2));
            }
        }
        return bytes;
    }
}
