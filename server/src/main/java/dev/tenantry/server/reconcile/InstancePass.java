package dev.tenantry.server.reconcile;

import dev.tenantry.api.model.Condition;
import dev.tenantry.api.model.InstanceSpec;
import dev.tenantry.api.model.InstanceStatus;
import dev.tenantry.api.model.Operation;
import dev.tenantry.api.model.Phase;
import dev.tenantry.server.store.CellRepository;
import dev.tenantry.server.store.InstanceRecord;
import dev.tenantry.server.store.InstanceRepository;
import dev.tenantry.server.domain.InstanceService;
import dev.tenantry.server.domain.OperationProgress;
import dev.tenantry.server.store.Tx;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The mutable state of one reconcile pass over one instance, saved in the pass's transaction. */
final class InstancePass {
    final Tx tx;
    final Instant now;
    InstanceRecord instance;
    Operation operation;
    private final InstanceRecord original;
    private final Operation originalOperation;
    private final java.util.Set<String> changedCells = new java.util.HashSet<>();
    private boolean databasesChanged;
    private boolean newOperation;
    private boolean instanceNotStored;
    private final List<Runnable> events = new ArrayList<>();

    /** The address of the cell the instance is placed on (null: not placed yet). */
    CellRepository.Address cellAddress;
    private final boolean hasCustomDomains;
    private final boolean hasDatabase;

    private dev.tenantry.api.model.Tenant tenant;

    InstancePass(Tx tx, InstanceRepository.PassInputs inputs, Instant now, dev.tenantry.api.model.Tenant tenant) {
        this.tenant = tenant;
        this.tx = tx;
        this.instance = inputs.instance();
        this.original = instance;
        this.operation = inputs.operation();
        this.originalOperation = operation;
        this.cellAddress = inputs.cellAddress();
        this.hasCustomDomains = inputs.hasCustomDomains();
        this.hasDatabase = inputs.hasDatabase();
        this.now = now;
    }

    /** The pass's operation is not in the database yet (its instance's create): the pass writes it. */
    void operationNotStoredYet() {
        newOperation = true;
    }

    /** The instance is not in the database yet (its create): the pass leaves writing it to the create. */
    void instanceNotStoredYet() {
        instanceNotStored = true;
    }

    /** The instance's tenant (read at the first call, unless the pass was given it). */
    dev.tenantry.api.model.Tenant tenant() {
        if (tenant == null) tenant = tx.tenants().get(instance.tenant()).orElseThrow();
        return tenant;
    }

    /** Whether the instance had custom domains when the pass began (the pass adds none). */
    boolean hasCustomDomains() {
        return hasCustomDomains;
    }

    /** Whether the instance had a tenant database when the pass began. */
    boolean hasDatabase() {
        return hasDatabase;
    }

    String target() {
        return instance.tenant() + "/" + instance.name();
    }

    /** Marks the step of the current operation done; operations without such a step are left alone. */
    void stepDone(String step, String message) {
        if (isOpen(step)) operation = OperationProgress.stepSucceeded(operation, step, message, now);
    }

    void stepRunning(String step, String message) {
        if (isOpen(step)) operation = OperationProgress.stepRunning(operation, step, message, now);
    }

    private boolean isOpen(String step) {
        return operation != null && !operation.state().isDone() && OperationProgress.hasStep(operation, step);
    }

    /**
     * A change of the spec by the system itself (a wake by traffic, an idle hibernation): the next generation, with an
     * operation of {@code type} by {@code actor} doing it, written with the pass.
     */
    void systemChange(String type, String actor, InstanceSpec spec) {
        if (operation != null && !operation.state().isDone()) {
            // what it asked for took effect before this (say, hibernated and then woken): done, not lost
            tx.operations().update(OperationProgress.succeed(operation, now));
        }
        operation = OperationProgress.start(type, instance.tenant(), target(), actor, now, InstanceService.CHANGE_STEPS);
        newOperation = true;
        event("operation.started", Map.of("operation", operation.id(), "type", type, "instance", target()));
        instance = instance.withSpec(spec).withLastOperation(operation.id());
    }

    void succeedOperation() {
        if (operation != null && !operation.state().isDone()) {
            operation = OperationProgress.succeed(operation, now);
            event("operation.succeeded", Map.of("operation", operation.id(), "type", operation.type(), "instance", target()));
        }
    }

    void failOperation(String reason) {
        if (operation != null && !operation.state().isDone()) {
            operation = OperationProgress.fail(operation, reason, now);
            event("operation.failed", Map.of("operation", operation.id(), "type", operation.type(), "instance", target(), "reason", reason));
        }
    }

    /** Sets phase, message and the Ready condition (keeping its "since" while its status does not change). */
    void status(Phase phase, long observedGeneration, String endpoint, Condition.Status ready, String reason, String message) {
        InstanceStatus s = instance.status();
        Condition previous = s.conditions().stream().filter(c -> c.type().equals("Ready")).findFirst().orElse(null);
        Instant since = previous != null && previous.status() == ready ? previous.since() : now;
        List<Condition> conditions = new ArrayList<>(s.conditions().stream().filter(c -> !c.type().equals("Ready")).toList());
        conditions.add(new Condition("Ready", ready, reason, message, since));
        String release = instance.deployment() == null ? s.release() : instance.deployment().release();
        // replicas are not stored with the status: the API shows them from the agent's latest observation
        instance = instance.withStatus(new InstanceStatus(phase, observedGeneration, release, instance.cell(), endpoint, message, conditions, List.of()));
    }

    /** Sets the condition; its {@code since} moves only when its status changes, its message follows every change. */
    void condition(String type, Condition.Status status, String reason, String message) {
        InstanceStatus s = instance.status();
        Condition previous = s.conditions().stream().filter(c -> c.type().equals(type)).findFirst().orElse(null);
        if (previous != null && previous.status() == status && reason.equals(previous.reason()) && message.equals(previous.message())) return;
        Instant since = previous != null && previous.status() == status ? previous.since() : now;
        List<Condition> conditions = new ArrayList<>(s.conditions().stream().filter(c -> !c.type().equals(type)).toList());
        conditions.add(new Condition(type, status, reason, message, since));
        instance = instance.withStatus(new InstanceStatus(s.phase(), s.observedGeneration(), s.release(), s.cell(), s.endpoint(),
                s.message(), conditions, s.replicas()));
    }

    /** Removes the condition of that type, if the instance has one. */
    void clearCondition(String type) {
        InstanceStatus s = instance.status();
        if (s.conditions().stream().noneMatch(c -> c.type().equals(type))) return;
        List<Condition> conditions = s.conditions().stream().filter(c -> !c.type().equals(type)).toList();
        instance = instance.withStatus(new InstanceStatus(s.phase(), s.observedGeneration(), s.release(), s.cell(), s.endpoint(),
                s.message(), conditions, s.replicas()));
    }

    /** The desired state of {@code cell} changed (null: of a cell not known here); its long polls are woken after the commit. */
    void cellChanged(String cell) {
        changedCells.add(cell);
    }

    /** A tenant database was asked for work: the database workers are woken after the commit. */
    void databasesChanged() {
        databasesChanged = true;
    }

    boolean isDatabasesChanged() {
        return databasesChanged;
    }

    /** The cells whose desired state changed; null among them: one not known here. */
    java.util.Set<String> changedCells() {
        return changedCells;
    }

    void event(String type, Map<String, Object> data) {
        events.add(() -> tx.events().append(type, "tenants/" + target(), instance.tenant(), data));
    }

    void audit(String action, String result, String detail) {
        tx.audit().record("system", action, "tenants/" + target(), instance.tenant(), result, detail);
    }

    /**
     * Writes whatever changed, at the transaction's end with its other writes ({@link Tx#atCommit}: nothing in the pass
     * reads them back); returns true if anything changed.
     */
    boolean save() {
        boolean changed = !instance.equals(original) || !java.util.Objects.equals(operation, originalOperation) || !events.isEmpty();
        // a create inserts its instance as the pass leaves it
        if (!instanceNotStored) {
            if (instance.generation() != original.generation() || !instance.spec().equals(original.spec())) tx.instances().saveSpec(instance);
            if (!instance.equals(original)) {
                // comparing is much cheaper than writing the deployment again (most passes do not render)
                boolean rendered = !java.util.Objects.equals(instance.deployment(), original.deployment());
                tx.atCommit(tx.instances().statusWrite(instance, rendered));
            }
        }
        if (newOperation) tx.atCommit(tx.operations().insertWrite(operation, instance.uid()));
        if (operation != null && !operation.equals(originalOperation)) {
            if (!newOperation) tx.atCommit(tx.operations().updateWrite(operation));
            String step = operation.steps().stream().filter(st -> st.state() != Operation.State.PENDING)
                    .reduce((a, b) -> b).map(Operation.Step::name).orElse("");
            tx.events().append("operation.updated", "operations/" + operation.id(), instance.tenant(),
                    Map.of("operation", operation.id(), "type", operation.type(), "state", operation.state().name(), "step", step,
                            "instance", target()));
        }
        events.forEach(Runnable::run);
        return changed;
    }
}
