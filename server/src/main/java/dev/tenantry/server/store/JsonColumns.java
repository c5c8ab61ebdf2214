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
    /**
     * Reads stored JSON: what the API accepts, but without looking for duplicate keys, which a jsonb column cannot hold
     * (and which costs a set of names per object read).
     */
    private static final com.fasterxml.jackson.databind.ObjectReader STORED = Json.MAPPER.reader()
            .without(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private JsonColumns() {}

    static String write(Object value) {
        return value == null ? null : Json.write(value);
    }

    static <T> T read(ResultSet rs, String column, Class<T> type) throws SQLException {
        String text = rs.getString(column);
        if (text == null) return null;
        try {
            return STORED.forType(type).readValue(text);
        } catch (JsonProcessingException e) {
            throw new SQLException("column " + column + " does not hold a valid " + type.getSimpleName(), e);
        }
    }

    static <T> T read(ResultSet rs, String column, TypeReference<T> type) throws SQLException {
        String text = rs.getString(column);
        if (text == null) return null;
        try {
            return STORED.forType(type).readValue(text);
        } catch (JsonProcessingException e) {
            throw new SQLException("column " + column + " does not hold valid JSON", e);
        }
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
