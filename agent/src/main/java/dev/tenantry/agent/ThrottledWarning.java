package dev.tenantry.agent;

import java.time.Duration;
import org.slf4j.Logger;

/**
 * A failure that repeats while it lasts (the server out of reach, a report it refuses): logged at WARN at once and then
 * at most once per {@code every}, saying how often it failed since, and at DEBUG in between, so that one that persists
 * is seen without flooding the log. Used by one thread (a loop of the agent).
 */
final class ThrottledWarning {
    private final Logger log;
    private final long everyNanos;
    private long lastWarnedAt;
    private boolean warned;
    private int since;

    ThrottledWarning(Logger log, Duration every) {
        this.log = log;
        this.everyNanos = every.toNanos();
    }

    void failed(String what, Exception e) {
        if (warnNow(System.nanoTime())) {
            log.warn("{}: {}{} (retrying)", what, e.toString(), since == 0 ? "" : "; it failed " + since + " more times since the last warning");
            since = 0;
        } else {
            since++;
            log.debug("{}: {}", what, e.toString());
        }
    }

    /** Whether a failure at {@code now} (System.nanoTime) is warned about: the first since a success, then one per {@code every}. */
    boolean warnNow(long now) {
        if (warned && now - lastWarnedAt < everyNanos) return false;
        warned = true;
        lastWarnedAt = now;
        return true;
    }

    /** It worked again: the next failure is warned about at once. */
    void succeeded() {
        warned = false;
        since = 0;
    }
}
