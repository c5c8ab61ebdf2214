package dev.tenantry.agent.driver;

import dev.tenantry.api.cell.Deployment;
import dev.tenantry.api.cell.ObservedInstance;
import dev.tenantry.api.cell.ObservedReplica;
import java.util.ArrayList;
import java.util.List;

/**
 * What an instance's runtime reports, from a view of it taken under its lock: converging (STARTING, with what it does),
 * a failed rollout or replica (FAILED), else by the health of its replicas. Warm replicas are listed as standby and
 * count for neither health nor failure.
 *
 * @param serving     the replicas of the slots and those being started beside them
 * @param standby     the previous release's warm replicas
 * @param replacements the replicas being started (a replacement's failure is the rollout's to report, not the instance's)
 */
record InstanceObservation(Deployment deployment, List<ReplicaSupervisor> serving, List<ReplicaSupervisor> standby,
                           List<ReplicaSupervisor> replacements, String rolloutFailure, String rolloutProgress, boolean converged) {

    ObservedInstance observe() {
        List<ObservedReplica> observed = new ArrayList<>();
        List<String> waitingFor = new ArrayList<>();
        boolean allHealthy = true;
        String replicaFailure = null;
        String message = null;
        for (ReplicaSupervisor s : serving) {
            ReplicaSupervisor.Snapshot snap = s.snapshot();
            boolean healthy = snap.state() == ReplicaSupervisor.State.HEALTHY;
            allHealthy &= healthy;
            if (!healthy) waitingFor.add(s.spec().name());
            if (snap.state() == ReplicaSupervisor.State.FAILED && replicaFailure == null && !replacements.contains(s)) {
                replicaFailure = s.spec().name() + ": " + snap.message();
            }
            // waiting for a start slot is the replica's to say: the instance's message stays "waiting for … to become healthy"
            if (!healthy && snap.message() != null && !snap.queued() && message == null) message = s.spec().name() + ": " + snap.message();
            observed.add(replica(s, snap, false));
        }
        for (ReplicaSupervisor s : standby) observed.add(replica(s, s.snapshot(), true));
        ObservedInstance.State state;
        if (rolloutFailure != null) {
            state = ObservedInstance.State.FAILED;
            message = rolloutFailure;
        } else if (replicaFailure != null) {
            state = ObservedInstance.State.FAILED;
            message = replicaFailure;
        } else if (!converged) {
            state = ObservedInstance.State.STARTING;
            if (rolloutProgress != null) message = rolloutProgress;
        } else {
            state = allHealthy ? ObservedInstance.State.RUNNING : ObservedInstance.State.STARTING;
            if (!allHealthy && message == null) message = "waiting for " + String.join(", ", waitingFor) + " to become healthy";
        }
        return new ObservedInstance(deployment.instanceUid(), deployment.generation(), state, message, observed, null, null);
    }

    private static ObservedReplica replica(ReplicaSupervisor s, ReplicaSupervisor.Snapshot snap, boolean standby) {
        return new ObservedReplica(s.spec().component(), s.spec().index(), snap.pid(), s.spec().ports(),
                snap.state() == ReplicaSupervisor.State.HEALTHY, snap.restarts(), snap.message(), snap.startedAt(), snap.healthySince(),
                s.spec().release(), standby);
    }
}
