package dev.tenantry.server.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.tenantry.api.Json;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;

/** Reading and writing jsonb and timestamptz columns. */
final class JsonColumns {
    private JsonColumns() {}

    static String write(Object value) {
        return value == null ? null : Json.write(value);
    }

    static <T> T read(ResultSet rs, String column, Class<T> type) throws SQLException {
        String text = rs.getString(column);
        if (text == null) return null;
        try {
            return Json.MAPPER.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new SQLException("column " + column + " does not hold a valid " + type.getSimpleName(), e);
        }
    }

    static <T> T read(ResultSet rs, String column, TypeReference<T> type) throws SQLException {
        String text = rs.getString(column);
        if (text == null) return null;
        try {
            return Json.MAPPER.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new SQLException("column " + column + " does not hold valid JSON", e);
        }
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
