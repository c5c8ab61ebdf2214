package dev.tenantry.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** A plain text table with aligned columns. */
final class Table {
    private final List<String[]> rows = new ArrayList<>();

    Table(String... headers) {
        rows.add(headers);
    }

    Table row(Object... cells) {
        String[] r = new String[cells.length];
        for (int i = 0; i < cells.length; i++) r[i] = cells[i] == null ? "-" : String.valueOf(cells[i]);
        rows.add(r);
        return this;
    }

    void print(PrintStream out) {
        int cols = rows.get(0).length;
        int[] width = new int[cols];
        for (String[] r : rows) for (int i = 0; i < cols; i++) width[i] = Math.max(width[i], r[i].length());
        for (String[] r : rows) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < cols; i++) {
                sb.append(r[i]);
                if (i < cols - 1) sb.append(" ".repeat(width[i] - r[i].length() + 2));
            }
            out.println(sb.toString().stripTrailing());
        }
    }
}
