package dev.tenantry.server.reconcile;

import dev.tenantry.api.model.Condition;
import dev.tenantry.api.model.Phase;
import dev.tenantry.api.model.Plan;
import dev.tenantry.server.store.InstanceRecord;
import dev.tenantry.server.domain.InstanceSecrets;
import java.util.Map;

/**
 * The instance reconciler's steps once an instance is deleted: take it off its cell, wait until the agent stopped it
 * (DELETED, its data kept until its purge time); on purge, wait until the agent removed its data and its database is
 * dropped, then erase its parameters (PURGED).
 */
final class DeletionSteps {
    private DeletionSteps() {}

    static Outcome ensureUnpublished(InstancePass pass) {
        if (!pass.instance.published()) return Outcome.DONE;
        if (pass.instance.cell() == null) return Outcome.DONE;
        long revision = pass.tx.cells().bumpRevision(pass.instance.cell());
        pass.instance = pass.instance.withPublication(false, revision);
        pass.cellChanged(pass.instance.cell());
        pass.stepDone("unpublish", "removed from cell " + pass.instance.cell() + " at revision " + revision);
        pass.stepRunning("stop", "waiting for the agent to stop the replicas");
        return Outcome.DONE;
    }

    static Outcome awaitStopped(InstancePass pass) {
        InstanceRecord i = pass.instance;
        boolean agentCaughtUp = i.cell() == null || (i.agentRevision() >= i.publishedRevision() && i.observed() == null);
        if (!agentCaughtUp) return Outcome.waiting("waiting for the agent to stop the workload", InstanceReconciler.AGENT_RECHECK);
        Plan plan = pass.tx.catalog().plan(i.spec().service(), i.spec().plan()).orElse(null);
        java.time.Instant purgeAt = pass.now.plusSeconds(plan == null ? Plan.DEFAULT_RETENTION_SECONDS : plan.retention());
        pass.status(Phase.DELETED, i.status().observedGeneration(), null, Condition.Status.False, "Deleted",
                "deleted; its data is kept until " + purgeAt + " and it can be restored until then");
        pass.instance = pass.instance.withDeployment(null, false).withPurgeAt(purgeAt);
        pass.stepDone("unpublish", "not published");
        pass.stepDone("stop", "workload stopped and route removed");
        pass.succeedOperation();
        pass.event("instance.deleted", Map.of("instance", pass.target(), "uid", i.uid(), "purgeAt", purgeAt.toString()));
        pass.audit("instance.deleted", "success", "data kept until " + purgeAt);
        return Outcome.DONE;
    }

    /** Waits until the agent has removed the instance's data (its revision covers the purge); then erases its parameters. */
    static Outcome awaitPurged(InstancePass pass) {
        InstanceRecord i = pass.instance;
        boolean agentCaughtUp = i.cell() == null || i.agentRevision() >= i.publishedRevision();
        if (!agentCaughtUp) return Outcome.waiting("waiting for the agent to remove the data", InstanceReconciler.AGENT_RECHECK);
        Outcome dropped = DatabaseSteps.ensureDropped(pass);
        if (!(dropped instanceof Outcome.Done)) return dropped;
        pass.instance = i.withErasedSpec();
        pass.tx.secrets().retireScope(InstanceSecrets.instanceScope(i.uid()), pass.now);
        pass.status(Phase.PURGED, i.status().observedGeneration(), null, Condition.Status.False, "Purged",
                "purged: its data and parameters are gone for good");
        pass.stepDone("remove-data", i.cell() == null ? "the instance had no data" : "the agent of cell " + i.cell() + " removed the data");
        pass.stepDone("erase", "parameters and secret parameters erased");
        pass.tx.secrets().retireScope(dev.tenantry.server.domain.DatabaseService.passwordScope(i.uid()), pass.now);
        pass.succeedOperation();
        pass.event("instance.purged", Map.of("instance", pass.target(), "uid", i.uid()));
        pass.audit("instance.purged", "success", null);
        return Outcome.DONE;
    }
}
