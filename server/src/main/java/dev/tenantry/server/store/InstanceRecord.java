package dev.tenantry.server.store;

import dev.tenantry.api.cell.Deployment;
import dev.tenantry.api.cell.ObservedInstance;
import dev.tenantry.api.model.Instance;
import dev.tenantry.api.model.InstanceSpec;
import dev.tenantry.api.model.InstanceStatus;
import dev.tenantry.api.model.Phase;
import java.time.Instant;

/**
 * An instance as stored: desired spec and generation, the status shown to users, what the agent last
 * observed, where it is placed, and the deployment rendered for its cell.
 */
public record InstanceRecord(String uid, String tenant, String name, long generation, InstanceSpec spec,
                             InstanceStatus status, ObservedInstance observed, String cell, Deployment deployment,
                             boolean published, long publishedRevision, long agentRevision, String lastOperation,
                             Instant purgeAt, String pinnedRelease, Instant createdAt, Instant updatedAt) {

    public Phase phase() {
        return status.phase();
    }

    /** A new desired spec: the next generation. */
    public InstanceRecord withSpec(InstanceSpec newSpec) {
        return new InstanceRecord(uid, tenant, name, generation + 1, newSpec, status, observed, cell, deployment, published,
                publishedRevision, agentRevision, lastOperation, purgeAt, pinnedRelease, createdAt, updatedAt);
    }

    /** The entity tag of the instance's desired state: it changes with every accepted change of the spec. */
    public String etag() {
        return "\"" + uid + "." + generation + "\"";
    }

    public InstanceRecord withStatus(InstanceStatus newStatus) {
        return new InstanceRecord(uid, tenant, name, generation, spec, newStatus, observed, cell, deployment, published,
                publishedRevision, agentRevision, lastOperation, purgeAt, pinnedRelease, createdAt, updatedAt);
    }

    public InstanceRecord withPlacement(String newCell) {
        return new InstanceRecord(uid, tenant, name, generation, spec, status, observed, newCell, deployment, published,
                publishedRevision, agentRevision, lastOperation, purgeAt, pinnedRelease, createdAt, updatedAt);
    }

    public InstanceRecord withPublication(boolean isPublished, long revision) {
        return new InstanceRecord(uid, tenant, name, generation, spec, status, observed, cell, deployment, isPublished,
                revision, agentRevision, lastOperation, purgeAt, pinnedRelease, createdAt, updatedAt);
    }

    /** The spec with its parameters erased (a purge): they may hold secrets. */
    public InstanceRecord withErasedSpec() {
        return new InstanceRecord(uid, tenant, name, generation, spec.withPlanAndParameters(spec.plan(), java.util.Map.of()), status, observed,
                cell, deployment, published, publishedRevision, agentRevision, lastOperation, purgeAt, pinnedRelease, createdAt, updatedAt);
    }

    /** When a DELETED instance's data is purged (null: not deleted). */
    public InstanceRecord withPurgeAt(Instant time) {
        return new InstanceRecord(uid, tenant, name, generation, spec, status, observed, cell, deployment, published,
                publishedRevision, agentRevision, lastOperation, time, pinnedRelease, createdAt, updatedAt);
    }

    public InstanceRecord withLastOperation(String operationId) {
        return new InstanceRecord(uid, tenant, name, generation, spec, status, observed, cell, deployment, published,
                publishedRevision, agentRevision, operationId, purgeAt, pinnedRelease, createdAt, updatedAt);
    }

    public InstanceRecord withDeployment(Deployment newDeployment, boolean isPublished) {
        return new InstanceRecord(uid, tenant, name, generation, spec, status, observed, cell, newDeployment, isPublished,
                publishedRevision, agentRevision, lastOperation, purgeAt, pinnedRelease, createdAt, updatedAt);
    }

    /** The instance as the API shows it; replica details come from the agent's latest observation. */
    public Instance toApi() {
        InstanceStatus shown = observed == null || status.phase().isDeleted() ? status
                : new InstanceStatus(status.phase(), status.observedGeneration(), status.release(), status.cell(), status.endpoint(),
                        status.message(), status.conditions(), observed.replicas());
        return new Instance(tenant, name, uid, generation, etag(), spec, shown, lastOperation, purgeAt, pinnedRelease, createdAt, updatedAt);
    }
}
