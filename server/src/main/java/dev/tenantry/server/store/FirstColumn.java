package dev.tenantry.server.store;

import org.jdbi.v3.core.mapper.RowMapper;

/**
 * Row mappers of a query's first column, for statements that run with every create, pass or report: JDBI's
 * {@code mapTo(Type)} looks its mapper up again for every statement. For columns that are never null.
 */
final class FirstColumn {
    static final RowMapper<String> STRING = (rs, ctx) -> rs.getString(1);
    static final RowMapper<Long> LONG = (rs, ctx) -> rs.getLong(1);
    static final RowMapper<Integer> INT = (rs, ctx) -> rs.getInt(1);
    static final RowMapper<Boolean> BOOLEAN = (rs, ctx) -> rs.getBoolean(1);

    private FirstColumn() {}
}
