package dev.tenantry.server.domain;

import dev.tenantry.api.Hashes;
import dev.tenantry.api.Json;
import dev.tenantry.api.blueprint.ParameterBinder;
import dev.tenantry.api.model.Condition;
import dev.tenantry.api.model.InstanceCreate;
import dev.tenantry.api.model.InstanceSpec;
import dev.tenantry.api.model.InstanceStatus;
import dev.tenantry.api.model.Operation;
import dev.tenantry.api.model.Phase;
import dev.tenantry.api.model.Plan;
import dev.tenantry.api.model.Release;
import dev.tenantry.api.model.Service;
import dev.tenantry.api.model.Tenant;
import dev.tenantry.api.validation.Errors;
import dev.tenantry.api.validation.Slugs;
import dev.tenantry.server.signals.Signals;
import dev.tenantry.server.store.IdempotencyRepository;
import dev.tenantry.server.store.InstanceRecord;
import dev.tenantry.server.store.Store;
import dev.tenantry.server.store.Tx;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The creation of instances, for {@link InstanceService}: what a create checks, and what it writes in one transaction. */
final class InstanceCreation {
    private final Store store;
    /** Creates that arrive together share a transaction: the burst of a fleet's onboarding costs a commit per batch. */
    private final dev.tenantry.server.store.SharedTransactions shared;
    private final Signals signals;
    private final Clock clock;
    private final SecretService secrets;
    private volatile CreationPass firstPass;

    InstanceCreation(Store store, Signals signals, Clock clock, SecretService secrets, int createBatch) {
        this.store = store;
        this.shared = new dev.tenantry.server.store.SharedTransactions(store, createBatch);
        this.signals = signals;
        this.clock = clock;
        this.secrets = secrets;
    }

    /** From now on, the first pass over each instance created without {@code alsoInTx} runs in its creating transaction. */
    void runFirstPassWith(CreationPass pass) {
        this.firstPass = pass;
    }

    /**
     * Creates an instance: validates the request, then writes the instance, its lease, operation, release history and
     * event in one transaction, with the instance's first reconcile pass unless {@code alsoInTx}; with
     * {@code idempotencyKey}, a retry of the same request returns the first one's result. {@code alsoInTx} is done in
     * the same transaction (a fork's restore from a backup, say).
     */
    InstanceService.Accepted create(Principal who, String tenant, InstanceCreate request, String idempotencyKey,
                                    java.util.function.BiConsumer<Tx, InstanceRecord> alsoInTx) {
        InstanceService.checkTenantAccess(who, tenant);
        Errors errors = new Errors();
        Slugs.check(errors, "name", request.name());
        if (request.service() == null) errors.add("service", "is required");
        if (request.plan() == null) errors.add("plan", "is required");
        if (idempotencyKey != null && (idempotencyKey.isBlank() || idempotencyKey.length() > IdempotentRequests.MAX_KEY_LENGTH)) {
            errors.add("Idempotency-Key", "must be 1 to 200 characters");
        }
        errors.throwIfAny();
        String scope = who.tokenId() + "/" + tenant;
        String requestHash = idempotencyKey == null ? null : Hashes.sha256(Json.write(request));
        CreationPass pass = alsoInTx == null ? firstPass : null;
        Runnable[] afterCommit = {null};
        java.util.function.Function<Tx, InstanceService.Accepted> work = tx -> {
            afterCommit[0] = null; // the work may run again (a shared transaction undone)
            if (idempotencyKey != null && !tx.idempotency().claim(scope, idempotencyKey, requestHash)) {
                return replay(tx, tx.idempotency().find(scope, idempotencyKey).orElseThrow(), requestHash);
            }
            Tenant owner = tx.tenants().get(tenant).orElseThrow(() -> new NotFoundException("tenant", "no tenant '" + tenant + "'"));
            Service service = tx.catalog().service(request.service())
                    .orElseThrow(() -> new ValidationFailure("service", "no service '" + request.service() + "'"));
            Plan plan = tx.catalog().plan(service.name(), request.plan())
                    .orElseThrow(() -> new ValidationFailure("plan", CatalogNames.noPlan(tx, service.name(), request.plan())));
            Release release = resolveRelease(tx, service, request.release());
            Map<String, Object> bound = ParameterBinder.bindRequest(release.blueprint(), request.parameters(), null);
            InstanceSecrets.requireSet(tx, release.blueprint(), tenant, service.name());
            String uid = Ids.newId("ins", 16);
            Map<String, Object> parameters = secrets.sealParameters(tx, uid, release.blueprint(), bound, who.actor());
            InstanceSpec spec = new InstanceSpec(service.name(), plan.name(), release.version(), parameters);
            Quotas.check(tx, owner, null, spec, plan, release);
            Instant now = clock.instant();
            String target = tenant + "/" + request.name();
            Operation op = OperationProgress.start("instance.create", tenant, target, who.actor(), now, InstanceService.CREATE_STEPS);
            InstanceStatus status = new InstanceStatus(Phase.PENDING, 0, null, null, null, "waiting for placement",
                    List.of(new Condition("Ready", Condition.Status.False, "Provisioning", "instance is being provisioned", now)), List.of());
            InstanceRecord instance = new InstanceRecord(uid, tenant, request.name(), 1,
                    spec, status, null, null, null,
                    false, 0, 0, op.id(), null, null, now, now);
            tx.events().append("instance.created", "tenants/" + target, tenant,
                    Map.of("instance", target, "uid", instance.uid(), "operation", op.id(), "release", release.version()));
            // the pass writes the operation, as it leaves it; without a database to wait for, it runs before the
            // instance's row is written, so that the row is written once, placed, rendered and published
            boolean passFirst = pass != null && !release.blueprint().hasDatabase();
            CreationPass.Result passed = passFirst ? pass.run(tx, instance, false, op, owner) : null;
            // the unique index of live names decides (no read before): a name taken is a 409, and nothing is written
            InstanceRecord stored = tx.instances().insert(passFirst ? passed.instance() : instance).orElseThrow(() ->
                    new ConflictException("name", "tenant '" + tenant + "' already has an instance '" + request.name() + "'"));
            if (pass == null) tx.operations().insert(op, instance.uid());
            tx.atCommit(tx.releaseHistory().recordWrite(instance.uid(), release.version(), null, op.id(), who.actor(), now));
            if (idempotencyKey != null) tx.idempotency().complete(scope, idempotencyKey, instance.uid(), op.id());
            if (alsoInTx != null) alsoInTx.accept(tx, stored);
            if (pass == null) return new InstanceService.Accepted(stored, op);
            if (!passFirst) passed = pass.run(tx, stored, true, op, owner);
            afterCommit[0] = passed.afterCommit();
            return new InstanceService.Accepted(passFirst ? stored : passed.instance(), passed.operation());
        };
        // a fork's restore (alsoInTx) is work of its own: it does not share its transaction
        InstanceService.Accepted accepted = alsoInTx == null ? shared.tx(work) : store.tx(work);
        if (accepted.replayed()) return accepted;
        if (afterCommit[0] == null) return InstanceService.fired(signals, accepted);
        afterCommit[0].run();
        signals.fire(Signals.Topic.EVENTS);
        return accepted;
    }

    private static InstanceService.Accepted replay(Tx tx, IdempotencyRepository.Entry first, String requestHash) {
        if (!first.requestHash().equals(requestHash)) {
            throw new IdempotencyKeyReusedException();
        }
        return new InstanceService.Accepted(tx.instances().byUid(first.instanceUid()).orElseThrow(), tx.operations().get(first.operationId()).orElseThrow(), true);
    }

    private static Release resolveRelease(Tx tx, Service service, String version) {
        if (version != null) {
            return tx.catalog().release(service.name(), version)
                    .orElseThrow(() -> new ValidationFailure("release", CatalogNames.noRelease(tx, service.name(), version)));
        }
        if (service.latestRelease() == null) throw new ValidationFailure("service", "service '" + service.name() + "' has no release yet");
        return tx.catalog().release(service.name(), service.latestRelease()).orElseThrow();
    }
}
