package dev.tenantry.server.domain;

import dev.tenantry.api.model.Page;
import java.util.List;
import java.util.function.Function;

/** Cursor pagination: fetch limit + 1 rows; if the extra row came, the last kept row's key is the next cursor. */
public final class Pages {
    private Pages() {}

    public static <T> Page<T> of(List<T> rows, int limit, Function<T, String> key) {
        if (rows.size() <= limit) return new Page<>(rows, null);
        List<T> kept = rows.subList(0, limit);
        return new Page<>(List.copyOf(kept), key.apply(kept.get(limit - 1)));
    }
}
