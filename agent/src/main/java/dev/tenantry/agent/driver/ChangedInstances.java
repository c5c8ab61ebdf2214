package dev.tenantry.agent.driver;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The instances whose observation may have changed since the agent last took them, so that a report after a change
 * observes those only rather than the whole cell. It starts as "all": the first report after a driver starts looks at
 * everything. Marks come from the threads that supervise replicas; the monitor guards a few set operations and never
 * waits.
 *
 * <p>A change is marked to be reported at once ({@link #mark}) or noted ({@link #note}): a replica's launch, or its
 * wait for a start slot, is taken only once it is {@link #NOTE_DELAY} old, or with a change of the same instance
 * marked meanwhile. Most replicas are healthy within that time: their health is then the instance's one report of the
 * start, not its launch first and its health a moment later, each an observation written to the instance's row.
 */
public final class ChangedInstances {
    /** How old a noted change is before it is taken (and reported with the agent's next look: within a second). */
    public static final Duration NOTE_DELAY = Duration.ofMillis(250);

    /** What was taken: every instance ({@code all}), or the instances named. */
    public record Taken(boolean all, Set<String> uids) {
        public Taken {
            uids = Set.copyOf(uids);
        }
    }

    private final LongSupplier nanoTime;
    private Set<String> uids = new HashSet<>();
    /** Noted instances, with when each was first noted since it was last taken. */
    private final Map<String, Long> noted = new HashMap<>();
    private boolean all = true;

    public ChangedInstances() {
        this(System::nanoTime);
    }

    ChangedInstances(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /** The observation of this instance may have changed (it started, changed, stopped, or a replica did). */
    public synchronized void mark(String instanceUid) {
        uids.add(instanceUid);
    }

    /** The observation of this instance may have changed in a way that can wait for {@link #NOTE_DELAY}. */
    public synchronized void note(String instanceUid) {
        noted.putIfAbsent(instanceUid, nanoTime.getAsLong());
    }

    /** The observation of any instance may have changed. */
    public synchronized void markAll() {
        all = true;
    }

    /** Whether anything is to be taken now: marked, or noted long enough ago. */
    public synchronized boolean any() {
        long now = nanoTime.getAsLong();
        return all || !uids.isEmpty() || noted.values().stream().anyMatch(at -> isDue(at, now));
    }

    /** What changed since the last call (noted changes once old enough), and nothing since. */
    public synchronized Taken take() {
        Set<String> taken = uids;
        taken.addAll(due(nanoTime.getAsLong()));
        Taken result = new Taken(all, taken);
        if (all) noted.clear();
        else noted.keySet().removeAll(taken);
        uids = new HashSet<>();
        all = false;
        return result;
    }

    private Set<String> due(long now) {
        Set<String> due = new HashSet<>();
        noted.forEach((uid, at) -> {
            if (isDue(at, now)) due.add(uid);
        });
        return due;
    }

    private static boolean isDue(long notedAt, long now) {
        return now - notedAt >= NOTE_DELAY.toNanos();
    }
}
