package dev.tenantry.agent.driver;

import dev.tenantry.api.cell.Deployment;
import dev.tenantry.api.cell.ObservedInstance;
import dev.tenantry.api.cell.Route;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What runs a cell's deployments for its agent: {@link ProcessDriver} (OS processes), or {@link HollowDriver} (simulated
 * replicas, for benchmarks and tests of scale only).
 */
public interface Driver extends AutoCloseable {
    /** How an agent makes its driver: {@code onChange} runs whenever what runs changed, {@code onRoutesChanged} when a replica leaves the routes. */
    @FunctionalInterface
    interface Factory {
        Driver create(Path workDir, DriverSettings settings, Runnable onChange, Runnable onRoutesChanged, SecretSource secrets);
    }

    /** OS processes: the agent's driver. */
    Factory PROCESSES = ProcessDriver::new;

    /** A deployment the driver runs and what runs of it now. */
    record Running(Deployment deployment, ObservedInstance observed) {}

    /** Takes stock of what an earlier agent left running, to adopt what {@code desired} still wants and stop the rest. */
    void adoptRunning(List<Deployment> desired) throws IOException;

    /** Makes what runs match {@code desired}: stops what is gone, starts what is new, converges what changed. */
    void apply(List<Deployment> desired);

    /** Removes for good the data of instances that no longer run here; returns the uids whose data is gone. */
    List<String> purge(List<String> instanceUids);

    /** Wakes a hibernated instance; false if it is unknown or not asleep. */
    boolean wake(String instanceUid);

    /** What runs now, one entry per deployment, by instance uid. */
    List<ObservedInstance> observe();

    /** What runs now of these instances, one entry per deployment among them that runs (the others are left out). */
    List<ObservedInstance> observe(Collection<String> instanceUids);

    /** The instances whose observation may have changed since the last call (every one before the first). */
    ChangedInstances.Taken changes();

    /**
     * Whether an observation changed that the driver noted without waking the agent (a replica's launch, or its wait for
     * a start slot) and that is old enough to report ({@link ChangedInstances#NOTE_DELAY}): the agent's report loop
     * looks every second and reports it then. A driver that tells every change at once has none.
     */
    default boolean changesNoted() {
        return false;
    }

    /** Every deployment it runs, with what runs of it now. */
    List<Running> running();

    /** Gateway routes: each deployment's host to its serving ingress replicas. */
    List<Route> routes();

    /** The host names the cell's instances are served at by the CA's certificates. */
    Set<String> hosts();

    /** The custom domains of the running instances, by instance uid: domain → fingerprint of its uploaded certificate. */
    Map<String, Map<String, String>> domains();

    /** Stops supervising and leaves every workload running, for the next agent to adopt. */
    void detach();

    /** Stops every workload. */
    @Override
    void close();
}
