package dev.tenantry.server.store;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Update;

/**
 * A data-modifying statement with its parameters, which can wait for the end of its transaction: {@link Tx#finish}
 * sends all of a transaction's waiting writes, its audit records and its events as one statement (each write a common
 * table expression of it), one round trip instead of one each. Such a write names its parameters {@code :name}, never
 * inside a literal, and must not depend on another waiting write of the same transaction: they all run on the
 * statement's one snapshot, in no defined order. Two inserts into one table whose rows' order counts (their ids: the
 * events of a transaction) are never sent in one statement.
 */
public final class Write {
    private final String sql;
    private final Map<String, Object> params = new LinkedHashMap<>();
    private final String orderedTable;

    public Write(String sql) {
        this(sql, null);
    }

    /** An insert into {@code orderedTable} whose ids must follow those of the same table's writes before it. */
    private Write(String sql, String orderedTable) {
        this.sql = sql;
        this.orderedTable = orderedTable;
    }

    /** Binds {@code value} (null allowed) to {@code :name}. */
    public Write bind(String name, Object value) {
        params.put(name, value);
        return this;
    }

    /** Runs it now; returns the rows it changed. */
    public int execute(Handle h) {
        Update update = h.createUpdate(sql);
        params.forEach(update::bind);
        return update.execute();
    }

    /** The most rows one of {@link #orderedInserts} writes. */
    static final int ROWS_PER_INSERT = 1000;

    /**
     * Multi-row inserts of {@code rows} into {@code table}, {@link #ROWS_PER_INSERT} rows each, whose ids follow the
     * rows' order (never two of them in one statement). {@code values}: each column's value expression, {@code ?} for the
     * row's value ({@code cast(? as jsonb)}, say); a row holds a value per column.
     */
    static List<Write> orderedInserts(String table, List<String> columns, List<String> values, List<Object[]> rows) {
        List<Write> writes = new java.util.ArrayList<>();
        for (int from = 0; from < rows.size(); from += ROWS_PER_INSERT) {
            List<Object[]> chunk = rows.subList(from, Math.min(rows.size(), from + ROWS_PER_INSERT));
            StringBuilder sql = new StringBuilder("insert into ").append(table).append(" (").append(String.join(", ", columns)).append(") values ");
            for (int r = 0; r < chunk.size(); r++) {
                sql.append(r == 0 ? "(" : ", (");
                for (int c = 0; c < values.size(); c++) sql.append(c == 0 ? "" : ", ").append(values.get(c).replace("?", ":c" + c + "_" + r));
                sql.append(')');
            }
            Write write = new Write(sql.toString(), table);
            for (int r = 0; r < chunk.size(); r++) {
                for (int c = 0; c < values.size(); c++) write.bind("c" + c + "_" + r, chunk.get(r)[c]);
            }
            writes.add(write);
        }
        return writes;
    }

    /** The most parameters one combined statement binds (PostgreSQL's protocol allows 65,535). */
    static final int MAX_PARAMETERS = 30_000;

    /** How many parameters it binds. */
    int parameters() {
        return params.size();
    }

    /**
     * Runs {@code writes} in as few statements as their parameters allow ({@link #MAX_PARAMETERS} each) and their order
     * needs (one, but for a transaction that writes thousands of rows), in their order (nothing for none).
     */
    static void executeTogether(Handle h, List<Write> writes) {
        int from = 0;
        while (from < writes.size()) {
            int to = from + 1;
            int parameters = writes.get(from).parameters();
            java.util.Set<String> ordered = new java.util.HashSet<>();
            if (writes.get(from).orderedTable != null) ordered.add(writes.get(from).orderedTable);
            while (to < writes.size() && parameters + writes.get(to).parameters() <= MAX_PARAMETERS
                    && (writes.get(to).orderedTable == null || ordered.add(writes.get(to).orderedTable))) {
                parameters += writes.get(to++).parameters();
            }
            executeAsOne(h, writes.subList(from, to));
            from = to;
        }
    }

    private static void executeAsOne(Handle h, List<Write> writes) {
        if (writes.size() == 1) {
            writes.getFirst().execute(h);
            return;
        }
        StringBuilder sql = new StringBuilder("with ");
        Map<String, Object> params = new LinkedHashMap<>();
        for (int i = 0; i < writes.size(); i++) {
            Write w = writes.get(i);
            String prefix = "w" + i + "_";
            String renamed = prefixParameters(w.sql, prefix);
            w.params.forEach((name, value) -> params.put(prefix + name, value));
            if (i == writes.size() - 1) sql.append(' ').append(renamed);
            else sql.append(i == 0 ? "" : ", ").append("w").append(i).append(" as (").append(renamed).append(')');
        }
        Update update = h.createUpdate(sql.toString());
        params.forEach(update::bind);
        update.execute();
    }

    /**
     * {@code sql} with {@code prefix} put before the name of each parameter ({@code :name}, but not a cast's {@code ::type}
     * nor a colon inside a word): one pass over the text, as every transaction that writes at its end does it.
     */
    static String prefixParameters(String sql, String prefix) {
        StringBuilder out = null;
        int copied = 0;
        for (int i = 0; i + 1 < sql.length(); i++) {
            if (sql.charAt(i) != ':' || !startsName(sql.charAt(i + 1)) || (i > 0 && (sql.charAt(i - 1) == ':' || isWordChar(sql.charAt(i - 1))))) {
                continue;
            }
            if (out == null) out = new StringBuilder(sql.length() + 32);
            out.append(sql, copied, i + 1).append(prefix);
            copied = i + 1;
        }
        return out == null ? sql : out.append(sql, copied, sql.length()).toString();
    }

    private static boolean startsName(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
    }

    private static boolean isWordChar(char c) {
        return startsName(c) || (c >= '0' && c <= '9');
    }
}
