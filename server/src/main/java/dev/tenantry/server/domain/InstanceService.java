package dev.tenantry.server.domain;

import dev.tenantry.api.blueprint.ParameterBinder;
import dev.tenantry.api.model.Condition;
import dev.tenantry.api.model.InstanceCreate;
import dev.tenantry.api.model.InstanceSpec;
import dev.tenantry.api.model.InstanceStatus;
import dev.tenantry.api.model.Operation;
import dev.tenantry.api.model.Page;
import dev.tenantry.api.model.Phase;
import dev.tenantry.api.model.Plan;
import dev.tenantry.api.model.Release;
import dev.tenantry.api.model.Service;
import dev.tenantry.api.validation.Errors;
import dev.tenantry.api.validation.Slugs;
import dev.tenantry.server.store.Store;
import dev.tenantry.server.store.Tx;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Accepts instance lifecycle requests: validates them, then records the desired state, an operation
 * and an event in one transaction. The reconciler does the work.
 */
public final class InstanceService {
    public static final List<String> CREATE_STEPS = List.of("place", "render", "publish", "start", "route");
    public static final List<String> DELETE_STEPS = List.of("unpublish", "stop");

    private final Store store;
    private final Signals signals;
    private final Clock clock;

    public InstanceService(Store store, Signals signals, Clock clock) {
        this.store = store;
        this.signals = signals;
        this.clock = clock;
    }

    public record Accepted(InstanceRecord instance, Operation operation) {}

    public Accepted create(Principal who, String tenant, InstanceCreate request) {
        checkTenantAccess(who, tenant);
        Errors errors = new Errors();
        Slugs.check(errors, "name", request.name());
        if (request.service() == null) errors.add("service", "is required");
        if (request.plan() == null) errors.add("plan", "is required");
        errors.throwIfAny();
        Accepted accepted = store.tx(tx -> {
            tx.tenants().get(tenant).orElseThrow(() -> new NotFoundException("tenant", "no tenant '" + tenant + "'"));
            Service service = tx.catalog().service(request.service())
                    .orElseThrow(() -> new ValidationFailure("service", "no service '" + request.service() + "'"));
            Plan plan = tx.catalog().plan(service.name(), request.plan())
                    .orElseThrow(() -> new ValidationFailure("plan", "service '" + service.name() + "' has no plan '" + request.plan() + "'"));
            Release release = resolveRelease(tx, service, request.release());
            Map<String, Object> parameters = ParameterBinder.bind(release.blueprint(), request.parameters());
            if (tx.instances().get(tenant, request.name()).filter(i -> i.phase() != Phase.DELETED).isPresent()) {
                throw new ConflictException("name", "tenant '" + tenant + "' already has an instance '" + request.name() + "'");
            }
            Instant now = clock.instant();
            String target = tenant + "/" + request.name();
            Operation op = OperationProgress.start("instance.create", tenant, target, who.actor(), now, CREATE_STEPS);
            InstanceStatus status = new InstanceStatus(Phase.PENDING, 0, null, null, null, "waiting for placement",
                    List.of(new Condition("Ready", Condition.Status.False, "Provisioning", "instance is being provisioned", now)), List.of());
            InstanceRecord instance = new InstanceRecord(Ids.newId("ins", 16), tenant, request.name(), 1,
                    new InstanceSpec(service.name(), plan.name(), release.version(), parameters), status, null, null, null,
                    false, 0, 0, op.id(), now, now);
            tx.instances().insert(instance);
            tx.operations().insert(op, instance.uid());
            tx.events().append("instance.created", "tenants/" + target, tenant,
                    Map.of("instance", target, "uid", instance.uid(), "operation", op.id(), "release", release.version()));
            return new Accepted(tx.instances().byUid(instance.uid()).orElseThrow(), op);
        });
        signals.fire(Signals.Topic.RECONCILE);
        signals.fire(Signals.Topic.EVENTS);
        return accepted;
    }

    /** Starts tearing an instance down; asking again while it is being deleted returns the same operation. */
    public Accepted delete(Principal who, String tenant, String name) {
        checkTenantAccess(who, tenant);
        Accepted accepted = store.tx(tx -> {
            InstanceRecord current = tx.instances().get(tenant, name).filter(i -> i.phase() != Phase.DELETED)
                    .orElseThrow(() -> new NotFoundException("instance", "tenant '" + tenant + "' has no instance '" + name + "'"));
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
            tx.instances().saveStatus(deleting);
            tx.instances().requestReconcile(deleting.uid());
            tx.operations().insert(op, deleting.uid());
            tx.events().append("instance.deleting", "tenants/" + tenant + "/" + name, tenant,
                    Map.of("instance", tenant + "/" + name, "uid", deleting.uid(), "operation", op.id()));
            return new Accepted(deleting, op);
        });
        signals.fire(Signals.Topic.RECONCILE);
        signals.fire(Signals.Topic.EVENTS);
        return accepted;
    }

    public InstanceRecord get(Principal who, String tenant, String name) {
        checkTenantAccess(who, tenant);
        return store.tx(tx -> {
            tx.tenants().get(tenant).orElseThrow(() -> new NotFoundException("tenant", "no tenant '" + tenant + "'"));
            return tx.instances().get(tenant, name)
                    .orElseThrow(() -> new NotFoundException("instance", "tenant '" + tenant + "' has no instance '" + name + "'"));
        });
    }

    public Page<InstanceRecord> list(Principal who, String tenant, String cursor, int limit, boolean includeDeleted) {
        checkTenantAccess(who, tenant);
        List<InstanceRecord> rows = store.tx(tx -> {
            tx.tenants().get(tenant).orElseThrow(() -> new NotFoundException("tenant", "no tenant '" + tenant + "'"));
            return tx.instances().list(tenant, cursor, limit + 1, includeDeleted);
        });
        return Pages.of(rows, limit, InstanceRecord::name);
    }

    public Operation operation(Principal who, String id) {
        Operation op = store.tx(tx -> tx.operations().get(id)).orElseThrow(() -> new NotFoundException("operation", "no operation '" + id + "'"));
        if (!who.canSeeTenant(op.tenant())) throw new NotFoundException("operation", "no operation '" + id + "'");
        return op;
    }

    private static void cancelRunningOperation(Tx tx, InstanceRecord instance, Instant now) {
        if (instance.lastOperation() == null) return;
        tx.operations().get(instance.lastOperation()).filter(op -> !op.state().isDone())
                .ifPresent(op -> tx.operations().update(OperationProgress.fail(op, "cancelled: the instance is being deleted", now)));
    }

    private static Release resolveRelease(Tx tx, Service service, String version) {
        if (version != null) {
            return tx.catalog().release(service.name(), version)
                    .orElseThrow(() -> new ValidationFailure("release", "service '" + service.name() + "' has no release '" + version + "'"));
        }
        if (service.latestRelease() == null) throw new ValidationFailure("service", "service '" + service.name() + "' has no release yet");
        return tx.catalog().release(service.name(), service.latestRelease()).orElseThrow();
    }

    private static void checkTenantAccess(Principal who, String tenant) {
        if (!who.canSeeTenant(tenant)) throw new NotFoundException("tenant", "no tenant '" + tenant + "'");
    }
}
