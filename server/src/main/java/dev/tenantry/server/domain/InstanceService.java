package dev.tenantry.server.domain;

import dev.tenantry.api.blueprint.ParameterBinder;
import dev.tenantry.api.model.Condition;
import dev.tenantry.api.blueprint.Resources;
import dev.tenantry.api.model.InstanceCreate;
import dev.tenantry.api.model.InstanceScale;
import dev.tenantry.api.model.InstanceUpdate;
import dev.tenantry.api.model.InstanceSpec;
import dev.tenantry.api.model.InstanceStatus;
import dev.tenantry.api.model.Operation;
import dev.tenantry.api.model.ReleaseChange;
import dev.tenantry.api.model.Page;
import dev.tenantry.api.model.Phase;
import dev.tenantry.api.model.Plan;
import dev.tenantry.api.model.Release;
import dev.tenantry.api.validation.Errors;
import dev.tenantry.server.signals.Signals;
import dev.tenantry.server.store.InstanceRecord;
import dev.tenantry.server.store.Store;
import dev.tenantry.server.store.Tx;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Accepts instance lifecycle requests: validates them, then records the desired state, an operation
 * and an event in one transaction. The reconciler does the work.
 */
public final class InstanceService {
    public static final List<String> CREATE_STEPS = List.of("place", "database", "render", "publish", "start", "route");
    public static final List<String> DELETE_STEPS = List.of("unpublish", "stop");
    /** Steps of every change of a running instance's spec: render the new deployment, publish it, the agent applies it. */
    public static final List<String> CHANGE_STEPS = List.of("database", "render", "publish", "apply");
    public static final List<String> RESTORE_STEPS = List.of("database", "render", "publish", "start", "route");
    /** The agent removes the instance's data directory; its database is dropped; then its parameters are erased. */
    public static final List<String> PURGE_STEPS = List.of("remove-data", "drop-database", "erase");

    private final Store store;
    private final Signals signals;
    private final Clock clock;

    private final SecretService secrets;
    private final DeletedInstances deleted;
    private final InstanceCreation creation;

    /** Creates that share a transaction at most, unless configured otherwise. */
    public static final int DEFAULT_CREATE_BATCH = 32;

    /** {@code createBatch}: creates that arrive while others are written share a transaction, up to this many. */
    public InstanceService(Store store, Signals signals, Clock clock, SecretService secrets, int createBatch) {
        this.store = store;
        this.signals = signals;
        this.clock = clock;
        this.secrets = secrets;
        this.deleted = new DeletedInstances(store, signals, clock);
        this.creation = new InstanceCreation(store, signals, clock, secrets, createBatch);
    }

    /** From now on, the first reconcile pass over a created instance runs in its creating transaction ({@link CreationPass}). */
    public void runFirstPassWith(CreationPass pass) {
        creation.runFirstPassWith(pass);
    }

    /** Restores and purges of deleted instances. */
    public DeletedInstances deleted() {
        return deleted;
    }

    /** An accepted request: the instance, the operation doing the work, and whether it repeats an earlier request (Idempotency-Key). */
    public record Accepted(InstanceRecord instance, Operation operation, boolean replayed) {
        public Accepted(InstanceRecord instance, Operation operation) {
            this(instance, operation, false);
        }
    }

    public Accepted create(Principal who, String tenant, InstanceCreate request) {
        return create(who, tenant, request, null);
    }

    /**
     * Creates an instance. With an {@code idempotencyKey}, a retry of the same request by the same caller returns
     * the first one's instance and operation instead of creating another; the key with another request is a 400.
     */
    public Accepted create(Principal who, String tenant, InstanceCreate request, String idempotencyKey) {
        return create(who, tenant, request, idempotencyKey, null);
    }

    /** The same, with {@code alsoInTx} done in the creating transaction (a fork's restore from a backup, say). */
    public Accepted create(Principal who, String tenant, InstanceCreate request, String idempotencyKey,
                           java.util.function.BiConsumer<Tx, InstanceRecord> alsoInTx) {
        return creation.create(who, tenant, request, idempotencyKey, alsoInTx);
    }

    /** Writes an accepted request in its transaction: the instance's status, its operation, a reconcile pass due now, and an event. */
    static Accepted written(Tx tx, InstanceRecord instance, Operation op, String event, Map<String, Object> data) {
        tx.instances().saveStatus(instance);
        tx.instances().requestReconcile(instance.uid());
        tx.operations().insert(op, instance.uid());
        tx.events().append(event, "tenants/" + instance.tenant() + "/" + instance.name(), instance.tenant(), data);
        return new Accepted(instance, op);
    }

    /** After the commit of accepted work: the reconciler and event streams hear of it. */
    static Accepted fired(Signals signals, Accepted accepted) {
        signals.fire(Signals.Topic.RECONCILE);
        signals.fire(Signals.Topic.EVENTS);
        return accepted;
    }

    /** Starts tearing an instance down; asking again while it is being deleted returns the same operation. */
    public Accepted delete(Principal who, String tenant, String name) {
        checkTenantAccess(who, tenant);
        Accepted accepted = store.tx(tx -> {
            InstanceRecord current = live(tx, tenant, name);
            InstanceRecord locked = tx.instances().lockByUid(current.uid()).orElseThrow();
            if (locked.phase() == Phase.DELETING) {
                return new Accepted(locked, tx.operations().get(locked.lastOperation()).orElseThrow());
            }
            Instant now = clock.instant();
            cancelRunningOperation(tx, locked, now);
            Operation op = OperationProgress.start("instance.delete", tenant, tenant + "/" + name, who.actor(), now, DELETE_STEPS);
            InstanceStatus s = locked.status();
            InstanceRecord deleting = locked.withStatus(new InstanceStatus(Phase.DELETING, s.observedGeneration(), s.release(), s.cell(),
                    s.endpoint(), "deleting", List.of(new Condition("Ready", Condition.Status.False, "Deleting", "instance is being deleted", now)),
                    s.replicas())).withLastOperation(op.id());
            return written(tx, deleting, op, "instance.deleting",
                    Map.of("instance", tenant + "/" + name, "uid", deleting.uid(), "operation", op.id()));
        });
        return fired(signals, accepted);
    }

    /** The live instance of that name; a 404 if there never was one, a 409 saying so if it was deleted or purged. */
    private static InstanceRecord live(Tx tx, String tenant, String name) {
        InstanceRecord latest = tx.instances().get(tenant, name)
                .orElseThrow(() -> new NotFoundException("instance", "tenant '" + tenant + "' has no instance '" + name + "'"));
        return switch (latest.phase()) {
            case DELETED -> throw new ConflictException("name", "instance '" + name + "' is deleted (its data is kept until "
                    + latest.purgeAt() + "; restore it to use it again)");
            case PURGING, PURGED -> throw new ConflictException("name", "instance '" + name + "' was purged: it is gone for good");
            default -> latest;
        };
    }

    /** A new plan and/or parameters; the agent replaces the replicas one at a time. */
    public Accepted update(Principal who, String tenant, String name, String ifMatch, InstanceUpdate request) {
        if (request.plan() == null && request.parameters() == null) {
            throw new ValidationFailure("plan", "give a new plan, new parameters, or both");
        }
        return change(who, tenant, name, ifMatch, "instance.update", (tx, current) -> {
            InstanceSpec spec = current.spec();
            Plan plan = tx.catalog().plan(spec.service(), request.plan() == null ? spec.plan() : request.plan())
                    .orElseThrow(() -> new ValidationFailure("plan", CatalogNames.noPlan(tx, spec.service(), request.plan())));
            Release release = tx.catalog().release(spec.service(), spec.release())
                    .orElseThrow(() -> new ConflictException("release", "release " + spec.release() + " of the instance no longer exists"));
            Map<String, Object> parameters = request.parameters() == null ? spec.parameters()
                    : secrets.sealParameters(tx, current.uid(), release.blueprint(),
                            ParameterBinder.bindRequest(release.blueprint(), request.parameters(), spec.parameters()), who.actor());
            Errors scaleOnNewPlan = new Errors();
            checkScale(scaleOnNewPlan, spec.replicas(), spec.size(), plan);
            if (!scaleOnNewPlan.isEmpty()) {
                throw new ValidationFailure("plan", "plan '" + plan.name() + "' does not allow the instance's current scale; scale it down first");
            }
            return spec.withPlanAndParameters(plan.name(), parameters);
        });
    }

    /** New replicas of the ingress component and/or a new size of every component, within the plan's limits. */
    public Accepted scale(Principal who, String tenant, String name, String ifMatch, InstanceScale request) {
        if (request.replicas() == null && request.size() == null) throw new ValidationFailure("replicas", "give replicas, a size, or both");
        return change(who, tenant, name, ifMatch, "instance.scale", (tx, current) -> {
            InstanceSpec spec = current.spec();
            Plan plan = tx.catalog().plan(spec.service(), spec.plan()).orElseThrow(() -> new ConflictException("plan", "the instance's plan no longer exists"));
            Integer replicas = request.replicas() == null ? spec.replicas() : request.replicas();
            Resources size = request.size() == null ? spec.size() : merge(spec.size(), request.size());
            Errors errors = new Errors();
            checkScale(errors, request.replicas(), request.size(), plan);
            errors.throwIfAny();
            return spec.withScale(replicas, size);
        });
    }

    /** Stops every replica and keeps the instance (its data, its route: requests get 503 until it starts). */
    public Accepted stop(Principal who, String tenant, String name, String ifMatch) {
        return change(who, tenant, name, ifMatch, "instance.stop", (tx, current) -> {
            if (current.spec().stopped()) throw new ConflictException("name", "instance '" + name + "' is already stopped");
            return current.spec().withStopped(true).withHibernated(false);
        });
    }

    public Accepted start(Principal who, String tenant, String name, String ifMatch) {
        return change(who, tenant, name, ifMatch, "instance.start", (tx, current) -> {
            if (!current.spec().stopped()) throw new ConflictException("name", "instance '" + name + "' is not stopped");
            return current.spec().withStopped(false);
        });
    }

    /** Scales to zero; the route stays and the first request through the gateway wakes the instance. */
    public Accepted hibernate(Principal who, String tenant, String name, String ifMatch) {
        return change(who, tenant, name, ifMatch, "instance.hibernate", (tx, current) -> {
            if (current.spec().stopped()) throw new ConflictException("name", "instance '" + name + "' is stopped: start it first");
            if (current.spec().hibernated()) throw new ConflictException("name", "instance '" + name + "' is already hibernated");
            return current.spec().withHibernated(true);
        });
    }

    public Accepted wake(Principal who, String tenant, String name, String ifMatch) {
        return change(who, tenant, name, ifMatch, "instance.wake", (tx, current) -> {
            if (current.spec().stopped()) throw new ConflictException("name", "instance '" + name + "' is stopped, not hibernated: start it instead");
            if (!current.spec().hibernated()) throw new ConflictException("name", "instance '" + name + "' is not hibernated");
            return current.spec().withHibernated(false);
        });
    }

    /** Replaces every replica, one at a time, each new one healthy before its old one stops. */
    public Accepted restart(Principal who, String tenant, String name, String ifMatch) {
        return change(who, tenant, name, ifMatch, "instance.restart", (tx, current) -> {
            if (current.spec().stopped() || current.spec().hibernated()) {
                throw new ConflictException("name", "instance '" + name + "' is " + (current.spec().stopped() ? "stopped" : "hibernated")
                        + ": start or wake it instead");
            }
            return current.spec().withRestartedAt(clock.instant());
        });
    }

    /** A change of a live instance's spec, worked out in the changing transaction (it may refuse with an exception). */
    public interface SpecChange {
        InstanceSpec apply(Tx tx, InstanceRecord current);
    }

    /** Changes a live instance's spec as its next generation, with an operation of {@code type} (one at a time per instance). */
    public Accepted changeSpec(Principal who, String tenant, String name, String ifMatch, String type, SpecChange change) {
        return change(who, tenant, name, ifMatch, type, change);
    }

    /**
     * One transaction: the current instance (If-Match checked, no other operation running on it), its new spec
     * as the next generation, an operation and an event; the reconciler does the work.
     */
    private Accepted change(Principal who, String tenant, String name, String ifMatch, String type, SpecChange change) {
        checkTenantAccess(who, tenant);
        Accepted accepted = store.tx(tx -> {
            InstanceRecord current = live(tx, tenant, name);
            InstanceRecord locked = tx.instances().lockByUid(current.uid()).orElseThrow();
            if (ifMatch != null && !ifMatch.equals("*") && !ifMatch.equals(locked.etag())) {
                throw new PreconditionFailedException("the instance changed since " + ifMatch + "; it is now " + locked.etag());
            }
            if (locked.phase() == Phase.DELETING) throw new ConflictException("name", "instance '" + name + "' is being deleted");
            Operation running = runningOperation(tx, locked);
            if (running != null) {
                throw new ConflictException("operation", "operation " + running.id() + " (" + running.type() + ") is still running on instance '"
                        + name + "'; try again when it is done");
            }
            InstanceSpec next = change.apply(tx, locked);
            if (!next.equals(locked.spec())) checkQuota(tx, locked.uid(), locked.tenant(), next);
            return changed(tx, locked, next, type, who.actor());
        });
        return fired(signals, accepted);
    }

    /** The tenant's quota with the instance {@code uid} at {@code spec} (skipped when its plan or release is gone). */
    static void checkQuota(Tx tx, String uid, String tenant, InstanceSpec spec) {
        Optional<Plan> plan = tx.catalog().plan(spec.service(), spec.plan());
        Optional<Release> release = tx.catalog().release(spec.service(), spec.release());
        if (plan.isPresent() && release.isPresent()) Quotas.check(tx, tenant, uid, spec, plan.get(), release.get());
    }

    private static Operation runningOperation(Tx tx, InstanceRecord instance) {
        return instance.lastOperation() == null ? null
                : tx.operations().get(instance.lastOperation()).filter(op -> !op.state().isDone()).orElse(null);
    }

    /** The locked instance's new spec as its next generation, with an operation of {@code type} and an event. */
    private Accepted changed(Tx tx, InstanceRecord locked, InstanceSpec spec, String type, String actor) {
        Instant now = clock.instant();
        String target = locked.tenant() + "/" + locked.name();
        Operation op = OperationProgress.start(type, locked.tenant(), target, actor, now, CHANGE_STEPS);
        InstanceRecord changed = locked.withSpec(spec).withLastOperation(op.id());
        tx.instances().saveSpec(changed);
        return written(tx, changed, op, "instance.changed", Map.of("instance", target, "uid", changed.uid(),
                "operation", op.id(), "change", type, "generation", changed.generation()));
    }

    /**
     * In the caller's transaction (a rollout's pass, which signals after its commit): moves a live instance to
     * {@code release} as its next generation, its parameters bound to that release's blueprint, with an operation of
     * {@code type} by {@code actor}. Empty while another operation runs on it; a {@link ConflictException} when it is
     * deleted or being deleted, a {@link ValidationFailure} when its parameters do not fit the release.
     */
    public java.util.Optional<Operation> changeRelease(Tx tx, String uid, String release, String type, String actor) {
        InstanceRecord locked = tx.instances().lockByUid(uid).orElseThrow(() -> new ConflictException("instance", "the instance no longer exists"));
        if (locked.phase().isDeleted() || locked.phase() == Phase.DELETING) {
            throw new ConflictException("instance", "instance " + locked.tenant() + "/" + locked.name() + " is " + locked.phase());
        }
        if (runningOperation(tx, locked) != null) return java.util.Optional.empty();
        InstanceSpec spec = locked.spec();
        Release target = tx.catalog().release(spec.service(), release)
                .orElseThrow(() -> new ValidationFailure("release", CatalogNames.noRelease(tx, spec.service(), release)));
        Map<String, Object> parameters = ParameterBinder.bind(target.blueprint(), spec.parameters());
        InstanceSpec upgraded = new InstanceSpec(spec.service(), spec.plan(), release, parameters, spec.replicas(), spec.size(), spec.stopped(),
                spec.hibernated(), spec.restartedAt());
        Operation op = changed(tx, locked, upgraded, type, actor).operation();
        tx.releaseHistory().record(uid, release, spec.release(), op.id(), actor, clock.instant());
        return java.util.Optional.of(op);
    }

    /** The releases the instance was moved to, newest first. */
    public List<ReleaseChange> releases(Principal who, String tenant, String name) {
        InstanceRecord instance = get(who, tenant, name);
        return store.read(tx -> tx.releaseHistory().list(instance.uid()));
    }

    /** Replicas and size within the plan's limits. */
    private static void checkScale(Errors errors, Integer replicas, Resources size, Plan plan) {
        if (replicas != null && (replicas < 1 || replicas > plan.replicaLimit())) {
            errors.add("replicas", "must be between 1 and " + plan.replicaLimit() + " on plan '" + plan.name() + "'");
        }
        Sizes.check(errors, "size", size, plan.memoryLimitMb(), plan.cpuLimitMillis());
    }

    private static Resources merge(Resources current, Resources requested) {
        if (current == null) return requested;
        return new Resources(requested.memoryMb() != null ? requested.memoryMb() : current.memoryMb(),
                requested.cpuMillis() != null ? requested.cpuMillis() : current.cpuMillis());
    }

    public InstanceRecord get(Principal who, String tenant, String name) {
        checkTenantAccess(who, tenant);
        return store.read(tx -> {
            tx.tenants().get(tenant).orElseThrow(() -> new NotFoundException("tenant", "no tenant '" + tenant + "'"));
            return tx.instances().get(tenant, name)
                    .orElseThrow(() -> new NotFoundException("instance", "tenant '" + tenant + "' has no instance '" + name + "'"));
        });
    }

    public Page<InstanceRecord> list(Principal who, String tenant, String cursor, int limit, boolean includeDeleted) {
        checkTenantAccess(who, tenant);
        List<InstanceRecord> rows = store.read(tx -> {
            tx.tenants().get(tenant).orElseThrow(() -> new NotFoundException("tenant", "no tenant '" + tenant + "'"));
            return tx.instances().list(tenant, cursor, limit + 1, includeDeleted);
        });
        return Pages.of(rows, limit, InstanceRecord::name);
    }

    public Operation operation(Principal who, String id) {
        Operation op = store.read(tx -> tx.operations().get(id)).orElseThrow(() -> new NotFoundException("operation", "no operation '" + id + "'"));
        if (!who.canSeeTenant(op.tenant())) throw new NotFoundException("operation", "no operation '" + id + "'");
        return op;
    }

    private static void cancelRunningOperation(Tx tx, InstanceRecord instance, Instant now) {
        if (instance.lastOperation() == null) return;
        tx.operations().get(instance.lastOperation()).filter(op -> !op.state().isDone())
                .ifPresent(op -> tx.operations().update(OperationProgress.fail(op, "cancelled: the instance is being deleted", now)));
    }

    static void checkTenantAccess(Principal who, String tenant) {
        if (!who.canSeeTenant(tenant)) throw new NotFoundException("tenant", "no tenant '" + tenant + "'");
    }
}
