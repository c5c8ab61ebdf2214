package dev.tenantry.server.store;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Update;

/**
 * A data-modifying statement with its parameters, which can wait for the end of its transaction: {@link Tx#finish}
 * sends all of a transaction's waiting writes, its audit records and its events as one statement (each write a common
 * table expression of it), one round trip instead of one each. Such a write names its parameters {@code :name}, never
 * inside a literal, and must not depend on another waiting write of the same transaction: they all run on the
 * statement's one snapshot, in no defined order.
 */
public final class Write {
    private static final Pattern PARAMETER = Pattern.compile("(?<![:\\w]):([A-Za-z_]\\w*)");

    private final String sql;
    private final Map<String, Object> params = new LinkedHashMap<>();

    public Write(String sql) {
        this.sql = sql;
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

    /** Runs {@code writes} as one statement (nothing for none). */
    static void executeTogether(Handle h, List<Write> writes) {
        if (writes.isEmpty()) return;
        if (writes.size() == 1) {
            writes.getFirst().execute(h);
            return;
        }
        StringBuilder sql = new StringBuilder("with ");
        Map<String, Object> params = new LinkedHashMap<>();
        for (int i = 0; i < writes.size(); i++) {
            Write w = writes.get(i);
            String prefix = "w" + i + "_";
            String renamed = PARAMETER.matcher(w.sql).replaceAll(m -> Matcher.quoteReplacement(":" + prefix + m.group(1)));
            w.params.forEach((name, value) -> params.put(prefix + name, value));
            if (i == writes.size() - 1) sql.append(' ').append(renamed);
            else sql.append(i == 0 ? "" : ", ").append("w").append(i).append(" as (").append(renamed).append(')');
        }
        Update update = h.createUpdate(sql.toString());
        params.forEach(update::bind);
        update.execute();
    }
}
