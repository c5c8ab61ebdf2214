package dev.tenantry.server.reconcile;

import dev.tenantry.api.model.Condition;
import dev.tenantry.api.model.Phase;
import dev.tenantry.api.model.Plan;
import dev.tenantry.server.store.InstanceRecord;
import java.time.Duration;
import java.util.Map;

/**
 * The instance reconciler's steps for an instance that runs no replica, as its spec asks (stopped, hibernated), and
 * the moves into and out of hibernation: an idle instance on a plan that hibernates is hibernated; one the gateway woke
 * for a request has its spec follow.
 */
final class ScaleToZeroSteps {
    private ScaleToZeroSteps() {}

    /**
     * On a plan that hibernates idle instances: hibernates the instance (a system operation) once no request came
     * through the gateway for that long, else looks again when it could be due.
     */
    static Outcome hibernateIfIdle(InstancePass pass) {
        InstanceRecord i = pass.instance;
        Plan plan = pass.tx.catalog().plan(i.spec().service(), i.spec().plan()).orElse(null);
        if (plan == null || plan.hibernateAfterSeconds() == null) return Outcome.DONE;
        Duration limit = Duration.ofSeconds(plan.hibernateAfterSeconds());
        Duration idle = Duration.between(lastActivity(i), pass.now);
        if (idle.compareTo(limit) < 0) {
            Duration recheck = limit.minus(idle).plusMillis(500);
            // exactly when it would be idle for the limit (a request meanwhile moves that on, and the pass then tells)
            return Outcome.waiting("no request for " + idle.toSeconds() + " s of " + limit.toSeconds(), recheck);
        }
        pass.systemChange("instance.hibernate", "system (no request for " + limit.toSeconds() + " s)", i.spec().withHibernated(true));
        pass.audit("instance.hibernate", "success", "no request through the gateway for " + idle.toSeconds() + " s");
        return Outcome.waiting("hibernate the idle instance", Duration.ZERO);
    }

    /** The last request the agent saw, or since when the instance has been ready, whichever is later. */
    private static java.time.Instant lastActivity(InstanceRecord i) {
        java.time.Instant readySince = i.status().conditions().stream().filter(c -> c.type().equals("Ready")).findFirst()
                .map(Condition::since).orElse(i.updatedAt());
        java.time.Instant lastRequest = i.observed() == null ? null : i.observed().lastRequestAt();
        return lastRequest != null && lastRequest.isAfter(readySince) ? lastRequest : readySince;
    }

    static Outcome stopped(InstancePass pass) {
        return scaledToZero(pass, Phase.STOPPED, "Stopped", "stopped: no replica runs until it is started", "every replica stopped");
    }

    static Outcome hibernated(InstancePass pass) {
        return scaledToZero(pass, Phase.HIBERNATED, "Hibernated", "hibernated: no replica runs; the first request through the gateway wakes it",
                "every replica stopped; the route wakes it on the first request");
    }

    /** No replica runs, as the spec asks: the phase, the operation done, and an event ({@code instance.stopped}, …) the first time. */
    private static Outcome scaledToZero(InstancePass pass, Phase phase, String reason, String message, String stepMessage) {
        InstanceRecord i = pass.instance;
        boolean changedPhase = i.phase() != phase;
        pass.status(phase, i.generation(), InstanceReconciler.endpoint(pass), Condition.Status.False, reason, message);
        pass.stepDone("apply", stepMessage);
        pass.succeedOperation();
        if (changedPhase) {
            String event = "instance." + phase.name().toLowerCase(java.util.Locale.ROOT);
            pass.event(event, Map.of("instance", pass.target(), "uid", i.uid()));
            pass.audit(event, "success", null);
        }
        return Outcome.DONE;
    }

    /**
     * The agent woke the hibernated instance for a request at its gateway: the spec follows (not hibernated, next
     * generation) through a system operation; its replicas keep running, since nothing they run from changed.
     */
    static Outcome wokenByTraffic(InstancePass pass) {
        InstanceRecord i = pass.instance;
        pass.systemChange("instance.wake", "system (a request at the gateway)", i.spec().withHibernated(false));
        pass.event("instance.woken", Map.of("instance", pass.target(), "uid", i.uid(), "operation", pass.operation.id()));
        pass.audit("instance.wake", "success", "a request arrived at the gateway");
        return Outcome.waiting("render the woken instance", Duration.ZERO);
    }
}
