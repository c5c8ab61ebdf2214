package dev.tenantry.server.domain;

import dev.tenantry.api.model.MaintenanceWindow;
import dev.tenantry.api.model.Page;
import dev.tenantry.api.model.Quota;
import dev.tenantry.api.model.QuotaUsage;
import dev.tenantry.api.model.Tenant;
import dev.tenantry.api.model.TenantCreate;
import dev.tenantry.api.validation.Errors;
import dev.tenantry.api.validation.Labels;
import dev.tenantry.api.validation.Slugs;
import dev.tenantry.server.signals.Signals;
import dev.tenantry.server.store.Store;
import java.util.List;
import java.util.Map;

public final class TenantService {
    private final Store store;
    private final Signals signals;

    public TenantService(Store store, Signals signals) {
        this.store = store;
        this.signals = signals;
    }

    /** A change that appends events: streams and webhooks are woken once it is committed. */
    private <T> T change(java.util.function.Function<dev.tenantry.server.store.Tx, T> work) {
        T result = store.tx(work);
        signals.fire(Signals.Topic.EVENTS);
        return result;
    }

    public Tenant create(Principal who, TenantCreate request) {
        Errors errors = new Errors();
        Slugs.check(errors, "id", request.id());
        if (request.name() != null && (request.name().isBlank() || request.name().length() > 200)) errors.add("name", "must be 1-200 characters");
        MaintenanceWindow.check(errors, "maintenanceWindow", request.maintenanceWindow());
        Labels.check(errors, "labels", request.labels());
        errors.throwIfAny();
        if (!who.canSeeTenant(request.id())) throw new ForbiddenException("a token of tenant '" + who.tenant() + "' cannot create other tenants");
        String name = request.name() == null ? request.id() : request.name();
        return change(tx -> {
            if (tx.tenants().get(request.id()).isPresent()) throw new ConflictException("id", "tenant '" + request.id() + "' already exists");
            tx.tenants().insert(request.id(), name, request.labels(), request.maintenanceWindow());
            tx.events().append("tenant.created", "tenants/" + request.id(), request.id(), Map.of("tenant", request.id(), "actor", who.actor()));
            return tx.tenants().get(request.id()).orElseThrow();
        });
    }

    /** Sets (or, with null, clears) the window in which rollouts may upgrade the tenant's instances. */
    public Tenant setMaintenanceWindow(Principal who, String id, MaintenanceWindow window, String ifMatch) {
        Errors errors = new Errors();
        MaintenanceWindow.check(errors, "maintenanceWindow", window);
        errors.throwIfAny();
        get(who, id);
        return change(tx -> {
            Tenant tenant = locked(tx, id, ifMatch);
            tx.tenants().setMaintenanceWindow(tenant.id(), window);
            tx.rollouts().requestReconcileOfTenant(tenant.id());
            tx.events().append("tenant.maintenance-window", "tenants/" + id, id,
                    window == null ? Map.of("tenant", id, "actor", who.actor()) : Map.of("tenant", id, "actor", who.actor(), "window", window));
            return tx.tenants().get(id).orElseThrow();
        });
    }

    /** Replaces the tenant's labels (they decide protection and rollout selection: provider admins only), audited from and to. */
    public Tenant setLabels(Principal who, String id, Map<String, String> labels, String ifMatch) {
        Errors errors = new Errors();
        Labels.check(errors, "labels", labels);
        errors.throwIfAny();
        get(who, id);
        return change(tx -> {
            Tenant tenant = locked(tx, id, ifMatch);
            tx.tenants().setLabels(tenant.id(), labels);
            tx.audit().record(who.actor(), "tenant.labels", "tenants/" + id, id, "success", "labels " + tenant.labels() + " -> " + labels);
            tx.events().append("tenant.labeled", "tenants/" + id, id, Map.of("tenant", id, "actor", who.actor(), "labels", labels));
            return tx.tenants().get(id).orElseThrow();
        });
    }

    /** Sets (null: clears, so that the plans' quotas apply) the tenant's own quota; audited from and to. */
    public Tenant setQuota(Principal who, String id, Quota quota, String ifMatch) {
        Errors errors = new Errors();
        Quota.check(errors, "quota", quota);
        errors.throwIfAny();
        get(who, id);
        return change(tx -> {
            Tenant tenant = locked(tx, id, ifMatch);
            tx.tenants().setQuota(tenant.id(), quota);
            tx.audit().record(who.actor(), "tenant.quota", "tenants/" + id, id, "success", "quota " + tenant.quota() + " -> " + quota);
            tx.events().append("tenant.quota", "tenants/" + id, id, quota == null ? Map.of("tenant", id, "actor", who.actor())
                    : Map.of("tenant", id, "actor", who.actor(), "quota", quota));
            return tx.tenants().get(id).orElseThrow();
        });
    }

    /** The tenant's own quota (null: its plans' apply) and what all its live instances take. */
    public QuotaUsage quota(Principal who, String id) {
        Tenant tenant = get(who, id);
        return store.tx(tx -> new QuotaUsage(id, tenant.quota(), Quotas.usage(tx, id, null, null)));
    }

    /** The tenant, its row locked until the transaction ends, if it is still at {@code ifMatch} (null or *: any version). */
    private static Tenant locked(dev.tenantry.server.store.Tx tx, String id, String ifMatch) {
        Tenant tenant = tx.tenants().lock(id).orElseThrow(() -> new NotFoundException("tenant", "no tenant '" + id + "'"));
        if (ifMatch != null && !ifMatch.strip().equals("*") && !ifMatch.strip().equals(tenant.etag())) {
            throw new PreconditionFailedException("the tenant changed since " + ifMatch.strip() + "; it is now " + tenant.etag());
        }
        return tenant;
    }

    public Tenant get(Principal who, String id) {
        if (!who.canSeeTenant(id)) throw new NotFoundException("tenant", "no tenant '" + id + "'");
        return store.read(tx -> tx.tenants().get(id)).orElseThrow(() -> new NotFoundException("tenant", "no tenant '" + id + "'"));
    }

    public Page<Tenant> list(Principal who, String cursor, int limit) {
        List<Tenant> page = store.read(tx -> tx.tenants().list(cursor, limit + 1, who.tenant()));
        return Pages.of(page, limit, Tenant::id);
    }

    /** Deletes a tenant that has no live instances left. */
    public void delete(Principal who, String id, String ifMatch) {
        get(who, id);
        store.run(tx -> {
            locked(tx, id, ifMatch);
            int live = tx.instances().countLive(id);
            if (live > 0) throw new ConflictException("tenant", "tenant '" + id + "' still has " + live + " instance(s); delete them first");
            tx.tenants().delete(id);
            tx.events().append("tenant.deleted", "tenants/" + id, id, Map.of("tenant", id, "actor", who.actor()));
        });
        signals.fire(Signals.Topic.EVENTS);
    }
}
