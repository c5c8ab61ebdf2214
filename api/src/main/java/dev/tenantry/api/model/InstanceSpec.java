package dev.tenantry.api.model;

import dev.tenantry.api.blueprint.Resources;
import java.time.Instant;
import java.util.Map;

/**
 * What the user asked for. Changing it bumps the instance's generation. {@code replicas} and {@code size}
 * (null: the plan's) come from scaling; {@code stopped} from stop and start; {@code restartedAt} from the
 * last rolling restart.
 */
public record InstanceSpec(String service, String plan, String release, Map<String, Object> parameters, Integer replicas,
                           Resources size, boolean stopped, Instant restartedAt) {
    public InstanceSpec(String service, String plan, String release, Map<String, Object> parameters) {
        this(service, plan, release, parameters, null, null, false, null);
    }

    public InstanceSpec withPlanAndParameters(String newPlan, Map<String, Object> newParameters) {
        return new InstanceSpec(service, newPlan, release, newParameters, replicas, size, stopped, restartedAt);
    }

    public InstanceSpec withScale(Integer newReplicas, Resources newSize) {
        return new InstanceSpec(service, plan, release, parameters, newReplicas, newSize, stopped, restartedAt);
    }

    public InstanceSpec withStopped(boolean isStopped) {
        return new InstanceSpec(service, plan, release, parameters, replicas, size, isStopped, restartedAt);
    }

    public InstanceSpec withRestartedAt(Instant when) {
        return new InstanceSpec(service, plan, release, parameters, replicas, size, stopped, when);
    }
}
