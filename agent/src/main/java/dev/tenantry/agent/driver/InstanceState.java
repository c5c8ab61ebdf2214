package dev.tenantry.agent.driver;

import dev.tenantry.api.cell.Deployment;
import dev.tenantry.api.cell.ObservedInstance;
import dev.tenantry.api.cell.Route;
import java.util.Optional;
import java.util.concurrent.Semaphore;

/**
 * What an {@link InstanceRuntime} converges toward and what it shows, guarded by this object's monitor: the target
 * deployment, whether a hibernated one was woken, the instance's replicas, the converging thread's progress and
 * failure, and whether the runtime is closed. The converging thread changes several of them in one step holding the
 * monitor ({@code synchronized (state)}); it never waits holding it (a virtual thread waiting in a monitor pins its
 * carrier on JDK 21-23): {@link #kicks} wakes it, released under the monitor and awaited outside it.
 */
final class InstanceState {
    final InstanceReplicas all = new InstanceReplicas();
    /** Wakes the converging thread: a new target, a wake, a close. */
    final Semaphore kicks = new Semaphore(0);
    Deployment target;
    boolean woken;
    String progress;
    boolean converged;
    String failure;
    boolean closed;

    InstanceState(Deployment target) {
        this.target = target;
    }

    synchronized Deployment target() {
        return target;
    }

    /** A newer deployment of the instance to converge toward. */
    synchronized void retarget(Deployment deployment) {
        if (!deployment.hibernated() || !target.hibernated()) woken = false; // a new hibernation sleeps again
        target = deployment;
        converged = false;
        failure = null;
        kicks.release();
    }

    /** Starts a hibernated instance's replicas now; false if it is not asleep. */
    synchronized boolean wake() {
        if (!isAsleep()) return false;
        woken = true;
        converged = false;
        kicks.release();
        return true;
    }

    /** Hibernated and not woken: its route holds requests and asks for a wake (call holding the monitor). */
    private boolean isAsleep() {
        return target.hibernated() && !woken;
    }

    synchronized void progress(String now) {
        progress = now;
    }

    /** The move toward {@code d} failed: shown unless a newer deployment arrived meanwhile. */
    synchronized void failed(Deployment d, String why) {
        if (target == d) failure = why;
    }

    /** Why waiting for a move toward {@code d} should stop: the runtime closes, or a newer deployment arrived. */
    synchronized Optional<String> movedOn(Deployment d) {
        if (closed) return Optional.of("the agent is stopping");
        if (target != d) return Optional.of("superseded by generation " + target.generation());
        return Optional.empty();
    }

    synchronized boolean closed() {
        return closed;
    }

    /** The agent's view of the instance: converging (STARTING), a failed rollout or replica (FAILED), else by health. */
    ObservedInstance observe() {
        InstanceObservation view;
        synchronized (this) {
            view = new InstanceObservation(target, all.supervisors(), all.warmSupervisors(), all.replacements(), failure, progress, converged);
        }
        return view.observe();
    }

    /**
     * The gateway route of the instance: its healthy, not draining replicas of the ingress component (of the slots and
     * a rolling replacement; never a flip's new replicas before the flip), and the release they run. Taken holding the
     * monitor, so that a flip is seen whole.
     */
    synchronized Route route() {
        return all.route(target);
    }
}
