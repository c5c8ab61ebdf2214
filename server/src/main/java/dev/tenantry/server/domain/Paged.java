package dev.tenantry.server.domain;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.LongFunction;
import java.util.function.ToLongFunction;

/** Iterates over rows read a page at a time, each page the rows after the last one's key. */
final class Paged<T> implements Iterator<T> {
    private final LongFunction<List<T>> pageAfter;
    private final ToLongFunction<T> key;
    private long after;
    private Iterator<T> page = List.<T>of().iterator();
    private boolean exhausted;

    Paged(LongFunction<List<T>> pageAfter, ToLongFunction<T> key, long after) {
        this.pageAfter = pageAfter;
        this.key = key;
        this.after = after;
    }

    @Override
    public boolean hasNext() {
        if (page.hasNext()) return true;
        if (exhausted) return false;
        List<T> rows = pageAfter.apply(after);
        exhausted = rows.isEmpty();
        if (!rows.isEmpty()) after = key.applyAsLong(rows.getLast());
        page = rows.iterator();
        return page.hasNext();
    }

    @Override
    public T next() {
        if (!hasNext()) throw new NoSuchElementException();
        return page.next();
    }
}
