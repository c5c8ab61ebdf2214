package dev.tenantry.agent.driver;

import java.util.HashSet;
import java.util.Set;

/**
 * The instances whose observation may have changed since the agent last took them, so that a report after a change
 * observes those only rather than the whole cell. It starts as "all": the first report after a driver starts looks at
 * everything. Marks come from the threads that supervise replicas; the monitor guards a few set operations and never
 * waits.
 */
public final class ChangedInstances {
    /** What was taken: every instance ({@code all}), or the instances named. */
    public record Taken(boolean all, Set<String> uids) {
        public Taken {
            uids = Set.copyOf(uids);
        }
    }

    private Set<String> uids = new HashSet<>();
    private boolean all = true;

    /** The observation of this instance may have changed (it started, changed, stopped, or a replica did). */
    public synchronized void mark(String instanceUid) {
        uids.add(instanceUid);
    }

    /** The observation of any instance may have changed. */
    public synchronized void markAll() {
        all = true;
    }

    /** Whether anything was marked since the last {@link #take}. */
    public synchronized boolean any() {
        return all || !uids.isEmpty();
    }

    /** What changed since the last call, and nothing since. */
    public synchronized Taken take() {
        Taken taken = new Taken(all, uids);
        uids = new HashSet<>();
        all = false;
        return taken;
    }
}
