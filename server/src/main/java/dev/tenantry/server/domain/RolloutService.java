package dev.tenantry.server.domain;

import dev.tenantry.api.model.Page;
import dev.tenantry.api.model.Protection;
import dev.tenantry.api.model.Rollout;
import dev.tenantry.api.model.RolloutCreate;
import dev.tenantry.api.model.RolloutSelector;
import dev.tenantry.api.model.RolloutStrategy;
import dev.tenantry.api.validation.Errors;
import dev.tenantry.server.signals.Signals;
import dev.tenantry.server.store.InstanceRecord;
import dev.tenantry.server.store.Store;
import dev.tenantry.server.store.Tx;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Fleet upgrades: accepts a rollout (the selected instances split into a canary and waves, in one transaction),
 * shows it, and pauses, resumes or aborts it. The rollout reconciler does the upgrading.
 */
public final class RolloutService {
    private final Store store;
    private final Signals signals;
    private final Clock clock;

    public RolloutService(Store store, Signals signals, Clock clock) {
        this.store = store;
        this.signals = signals;
        this.clock = clock;
    }

    public Rollout create(Principal who, RolloutCreate request) {
        checkFleetAccess(who);
        RolloutSelector selector = request.selector() == null ? RolloutSelector.ALL : request.selector();
        RolloutStrategy strategy = request.strategy() == null ? RolloutStrategy.DEFAULT : request.strategy();
        Errors errors = new Errors();
        if (request.service() == null) errors.add("service", "is required");
        if (request.release() == null) errors.add("release", "is required");
        RolloutStrategies.check(errors, strategy);
        errors.throwIfAny();
        Rollout created = store.tx(tx -> {
            tx.catalog().service(request.service())
                    .orElseThrow(() -> new ValidationFailure("service", "no service '" + request.service() + "'"));
            tx.catalog().release(request.service(), request.release()).orElseThrow(() ->
                    new ValidationFailure("release", CatalogNames.noRelease(tx, request.service(), request.release())));
            Map<String, Map<String, String>> labels = new java.util.HashMap<>();
            java.util.function.Function<String, Map<String, String>> labelsOf = tenant -> labels.computeIfAbsent(tenant,
                    t -> tx.tenants().get(t).map(dev.tenantry.api.model.Tenant::labels).orElse(Map.of()));
            List<InstanceRecord> selected = tx.instances().liveOfService(request.service()).stream()
                    .filter(i -> matches(selector, i, labelsOf.apply(i.tenant())) && !i.spec().release().equals(request.release())).toList();
            if (selected.isEmpty()) {
                throw new ValidationFailure("selector", "selects no instance of '" + request.service() + "' that is not at release "
                        + request.release() + " already");
            }
            List<String> held = tx.rollouts().heldInstances(selected.stream().map(InstanceRecord::uid).toList());
            if (!held.isEmpty()) {
                throw new ConflictException("selector", held.size() + " of the selected instances are in an unfinished rollout (for example "
                        + selected.stream().filter(i -> held.contains(i.uid())).findFirst().map(i -> i.tenant() + "/" + i.name()).orElse("?")
                        + "); wait for that rollout to finish, or abort it");
            }
            List<Integer> waveOf = RolloutStrategies.waves(strategy, selected.size());
            List<Rollout.Item> items = new ArrayList<>();
            Instant now = clock.instant();
            Map<String, java.util.Optional<String>> tenantPins = new java.util.HashMap<>();
            for (int n = 0; n < selected.size(); n++) {
                InstanceRecord i = selected.get(n);
                String pin = i.pinnedRelease() != null ? i.pinnedRelease()
                        : tenantPins.computeIfAbsent(i.tenant(), t -> tx.instances().tenantPin(t, request.service())).orElse(null);
                if (pin != null && tx.catalog().isOlder(request.service(), request.release(), pin)) {
                    throw new ValidationFailure("release", "release " + request.release() + " is older than release " + pin + ", which "
                            + i.tenant() + "/" + i.name() + " is pinned to; unpin it or leave it out of the selector");
                }
                boolean passedBy = pin != null && !pin.equals(request.release());
                items.add(new Rollout.Item(i.tenant(), i.name(), i.uid(), waveOf.get(n), i.spec().release(), request.release(),
                        passedBy ? Rollout.ItemState.SKIPPED : Rollout.ItemState.PENDING, null, null, passedBy ? now : null,
                        passedBy ? "pinned to release " + pin + (i.pinnedRelease() != null ? "" : " (tenant pin)") : null));
            }
            int waveCount = waveOf.get(waveOf.size() - 1) + 1;
            String approval = approvalNeeded(tx.rollouts().protection(), request.service(), selected, labelsOf);
            Rollout rollout = new Rollout(Ids.newId("ro", 12), request.service(), request.release(), selector, strategy, request.isEmergency(),
                    approval == null ? Rollout.State.RUNNING : Rollout.State.AWAITING_APPROVAL,
                    0, waveCount, null, null, items, who.actor(), approval, null, now, now, null, 0);
            tx.rollouts().insert(rollout, who.tokenId());
            tx.events().append("rollout.created", "rollouts/" + rollout.id(), null, Map.of("rollout", rollout.id(), "service", rollout.service(),
                    "release", rollout.release(), "instances", items.size(), "waves", waveCount, "actor", who.actor()));
            return tx.rollouts().get(rollout.id()).orElseThrow();
        });
        signals.fire(Signals.Topic.ROLLOUTS);
        signals.fire(Signals.Topic.EVENTS);
        return created;
    }

    /** Pins an instance to a release of its service (null: unpins it); rollouts pass a pinned instance by. */
    public InstanceRecord pinInstance(Principal who, String tenant, String name, String release) {
        checkTenant(who, tenant);
        InstanceRecord pinned = store.tx(tx -> {
            InstanceRecord i = tx.instances().get(tenant, name).filter(r -> !r.phase().isDeleted())
                    .orElseThrow(() -> new NotFoundException("instance", "tenant '" + tenant + "' has no instance '" + name + "'"));
            if (release != null) checkRelease(tx, i.spec().service(), release);
            tx.instances().pin(i.uid(), release);
            tx.events().append(release == null ? "instance.unpinned" : "instance.pinned", "tenants/" + tenant + "/" + name, tenant,
                    release == null ? Map.of("instance", tenant + "/" + name) : Map.of("instance", tenant + "/" + name, "release", release));
            return tx.instances().byUid(i.uid()).orElseThrow();
        });
        signals.fire(Signals.Topic.EVENTS);
        return pinned;
    }

    /** Pins a tenant's instances of a service to a release (null: unpins them). */
    public void pinTenant(Principal who, String tenant, String service, String release) {
        checkTenant(who, tenant);
        store.run(tx -> {
            tx.tenants().get(tenant).orElseThrow(() -> new NotFoundException("tenant", "no tenant '" + tenant + "'"));
            tx.catalog().service(service).orElseThrow(() -> new NotFoundException("service", "no service '" + service + "'"));
            if (release != null) checkRelease(tx, service, release);
            tx.instances().pinTenant(tenant, service, release);
            tx.events().append(release == null ? "tenant.unpinned" : "tenant.pinned", "tenants/" + tenant, tenant,
                    release == null ? Map.of("service", service) : Map.of("service", service, "release", release));
        });
        signals.fire(Signals.Topic.EVENTS);
    }

    private static void checkRelease(Tx tx, String service, String release) {
        tx.catalog().release(service, release)
                .orElseThrow(() -> new ValidationFailure("release", CatalogNames.noRelease(tx, service, release)));
    }

    private static void checkTenant(Principal who, String tenant) {
        if (!who.canSeeTenant(tenant)) throw new NotFoundException("tenant", "no tenant '" + tenant + "'");
    }

    public Rollout get(Principal who, String id) {
        checkFleetAccess(who);
        return store.tx(tx -> tx.rollouts().get(id)).orElseThrow(() -> new NotFoundException("rollout", "no rollout '" + id + "'"));
    }

    public Page<Rollout> list(Principal who, String cursor, int limit) {
        checkFleetAccess(who);
        return Pages.of(store.tx(tx -> tx.rollouts().list(cursor, limit + 1)), limit, Rollout::id);
    }

    /** Why the rollout needs an approval (it touches a protected service or tenant), or null if it does not. */
    private static String approvalNeeded(Protection protection, String service, List<InstanceRecord> selected,
                                         java.util.function.Function<String, Map<String, String>> labelsOf) {
        if (protection.services().contains(service)) return "service " + service + " is protected";
        return selected.stream().map(InstanceRecord::tenant).distinct().filter(t -> protection.protects(labelsOf.apply(t))).findFirst()
                .map(t -> "tenant " + t + " is protected (by its labels)").orElse(null);
    }

    /** Lets a rollout that waits for approval run; the approver must be another token than the creator's. */
    public Rollout approve(Principal who, String id) {
        return transition(who, id, "rollout.approved", (tx, r) -> {
            if (r.state() != Rollout.State.AWAITING_APPROVAL) {
                throw new ConflictException("state", "rollout " + id + " is " + r.state() + "; only one AWAITING_APPROVAL can be approved");
            }
            if (who.tokenId() != null && who.tokenId().equals(tx.rollouts().creatorToken(id).orElse(null))) {
                throw new ForbiddenException("the creator of rollout " + id + " cannot approve it: another user must (separation of duties)");
            }
            tx.rollouts().approved(id, who.actor());
            tx.audit().record(who.actor(), "rollout.approve", "rollouts/" + id, null, "success", r.approvalReason());
            return r.withState(Rollout.State.RUNNING, null);
        });
    }

    /** The protection policy: rollouts touching these services or tenant labels wait for an approval. */
    public Protection protection(Principal who) {
        checkFleetAccess(who);
        return store.tx(tx -> tx.rollouts().protection());
    }

    public Protection setProtection(Principal who, Protection protection) {
        checkFleetAccess(who);
        dev.tenantry.api.validation.Errors errors = new dev.tenantry.api.validation.Errors();
        dev.tenantry.api.validation.Labels.check(errors, "tenantLabels", protection.tenantLabels());
        errors.throwIfAny();
        store.run(tx -> {
            tx.rollouts().setProtection(protection);
            tx.events().append("protection.changed", "protection", null, Map.of("actor", who.actor(), "protection", protection));
        });
        return protection;
    }

    /** No new upgrades start; upgrades under way finish. */
    public Rollout pause(Principal who, String id) {
        return transition(who, id, "rollout.paused", (tx, r) -> {
            if (r.state() != Rollout.State.RUNNING) throw new ConflictException("state", "rollout " + id + " is " + r.state() + ", not RUNNING");
            return r.withState(Rollout.State.PAUSED, "paused by " + who.actor());
        });
    }

    public Rollout resume(Principal who, String id) {
        return transition(who, id, "rollout.resumed", (tx, r) -> {
            if (r.state() != Rollout.State.PAUSED) {
                throw new ConflictException("state", "rollout " + id + " is " + r.state() + "; only a PAUSED rollout can be resumed");
            }
            return r.withState(Rollout.State.RUNNING, null).withBakeUntil(null); // the current wave bakes (and is analysed) again
        });
    }

    /** Everything the rollout changed goes back to the release it came from (after it ended, or instead of going on). */
    public Rollout rollback(Principal who, String id) {
        return transition(who, id, "rollout.reverting", (tx, r) -> {
            if (r.state() == Rollout.State.REVERTING || r.state() == Rollout.State.ROLLED_BACK || r.state() == Rollout.State.AWAITING_APPROVAL) {
                throw new ConflictException("state", "rollout " + id + " is " + r.state() + ": there is nothing to roll back");
            }
            if (r.state() == Rollout.State.ROLLING_BACK || r.state() == Rollout.State.ABORTING) {
                throw new ConflictException("state", "rollout " + id + " is " + r.state() + "; roll it back once that is done");
            }
            tx.audit().record(who.actor(), "rollout.rollback", "rollouts/" + id, null, "success", null);
            return r.withState(Rollout.State.REVERTING, "rolled back by " + who.actor());
        });
    }

    /** Leaves a pending instance out of the rollout. */
    public Rollout skip(Principal who, String id, String tenant, String name) {
        return transition(who, id, "rollout.instance-skipped", (tx, r) -> {
            if (r.state().isDone()) throw new ConflictException("state", "rollout " + id + " is " + r.state());
            Rollout.Item item = r.instances().stream().filter(i -> i.tenant().equals(tenant) && i.name().equals(name)).findFirst()
                    .orElseThrow(() -> new NotFoundException("instance", "rollout " + id + " has no instance " + tenant + "/" + name));
            if (item.state() != Rollout.ItemState.PENDING) {
                throw new ConflictException("instance", tenant + "/" + name + " is " + item.state() + " in rollout " + id + "; only a PENDING one can be skipped");
            }
            tx.rollouts().saveItem(id, new Rollout.Item(item.tenant(), item.name(), item.uid(), item.wave(), item.fromRelease(), item.toRelease(),
                    Rollout.ItemState.SKIPPED, null, null, clock.instant(), "skipped by " + who.actor()));
            return r;
        });
    }

    /** No new upgrades; the current wave's upgraded instances go back to their release; then ABORTED. */
    public Rollout abort(Principal who, String id) {
        return transition(who, id, "rollout.aborting", (tx, r) -> {
            if (r.state().isDone() || r.state() == Rollout.State.ABORTING || r.state() == Rollout.State.REVERTING) {
                throw new ConflictException("state", "rollout " + id + " is " + r.state() + " already");
            }
            return r.withState(Rollout.State.ABORTING, "aborted by " + who.actor());
        });
    }

    private interface Transition {
        Rollout apply(Tx tx, Rollout current);
    }

    private Rollout transition(Principal who, String id, String event, Transition transition) {
        checkFleetAccess(who);
        Rollout changed = store.tx(tx -> {
            Rollout current = tx.rollouts().lock(id).orElseThrow(() -> new NotFoundException("rollout", "no rollout '" + id + "'"));
            Rollout next = transition.apply(tx, current);
            tx.rollouts().save(next);
            tx.rollouts().requestReconcile(id);
            tx.events().append(event, "rollouts/" + id, null, Map.of("rollout", id, "actor", who.actor()));
            return tx.rollouts().get(id).orElseThrow();
        });
        signals.fire(Signals.Topic.ROLLOUTS);
        signals.fire(Signals.Topic.EVENTS);
        return changed;
    }

    private static boolean matches(RolloutSelector s, InstanceRecord i, Map<String, String> tenantLabels) {
        return (s.tenants().isEmpty() || s.tenants().contains(i.tenant()))
                && tenantLabels.entrySet().containsAll(s.tenantLabels().entrySet())
                && (s.plans().isEmpty() || s.plans().contains(i.spec().plan()))
                && (s.cells().isEmpty() || s.cells().contains(i.cell()))
                && (s.releases().isEmpty() || s.releases().contains(i.spec().release()));
    }

    /** Rollouts span tenants: a token scoped to one tenant sees none (the routes check the role). */
    private static void checkFleetAccess(Principal who) {
        if (who.tenant() != null) throw new ForbiddenException("rollouts span tenants: they need a token that is not scoped to a tenant");
    }
}
