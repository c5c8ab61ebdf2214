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

    /**
     * A page of a whole list held in memory (short lists: services, plans, cells, tokens…), in the list's own order:
     * the items after the one whose key is {@code cursor} (null: from the start).
     */
    public static <T> Page<T> after(List<T> all, String cursor, int limit, Function<T, String> key) {
        int start = 0;
        if (cursor != null) {
            start = -1;
            for (int i = 0; i < all.size() && start < 0; i++) if (key.apply(all.get(i)).equals(cursor)) start = i + 1;
            if (start < 0) throw new ValidationFailure("cursor", "no such position in the list (it was deleted); start again without a cursor");
        }
        return of(all.subList(start, all.size()), limit, key);
    }
}
