package dev.tenantry.api.model;

import dev.tenantry.api.blueprint.Resources;
import java.time.Instant;
import java.util.Map;

/**
 * What the user asked for. Changing it bumps the instance's generation. {@code replicas} and {@code size}
 * (null: the plan's) come from scaling; {@code stopped} from stop and start; {@code hibernated} from hibernate
 * and wake (a request through the gateway wakes it too); {@code restartedAt} from the last rolling restart.
 */
public record InstanceSpec(String service, String plan, String release, Map<String, Object> parameters, Integer replicas,
                           Resources size, boolean stopped, boolean hibernated, Instant restartedAt) {
    public InstanceSpec(String service, String plan, String release, Map<String, Object> parameters) {
        this(service, plan, release, parameters, null, null, false, false, null);
    }

    public InstanceSpec withHibernated(boolean isHibernated) {
        return new InstanceSpec(service, plan, release, parameters, replicas, size, stopped, isHibernated, restartedAt);
    }

    public InstanceSpec withPlanAndParameters(String newPlan, Map<String, Object> newParameters) {
        return new InstanceSpec(service, newPlan, release, newParameters, replicas, size, stopped, hibernated, restartedAt);
    }

    public InstanceSpec withScale(Integer newReplicas, Resources newSize) {
        return new InstanceSpec(service, plan, release, parameters, newReplicas, newSize, stopped, hibernated, restartedAt);
    }

    public InstanceSpec withStopped(boolean isStopped) {
        return new InstanceSpec(service, plan, release, parameters, replicas, size, isStopped, hibernated, restartedAt);
    }

    public InstanceSpec withRestartedAt(Instant when) {
        return new InstanceSpec(service, plan, release, parameters, replicas, size, stopped, hibernated, when);
    }
}
