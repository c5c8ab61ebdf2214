package dev.tenantry.server.domain;

import dev.tenantry.api.blueprint.BlueprintValidator;
import dev.tenantry.api.model.Plan;
import dev.tenantry.api.model.PlanCreate;
import dev.tenantry.api.model.Release;
import dev.tenantry.api.model.ReleaseCreate;
import dev.tenantry.api.model.Service;
import dev.tenantry.api.model.ServiceCreate;
import dev.tenantry.api.validation.Errors;
import dev.tenantry.api.validation.Slugs;
import dev.tenantry.server.store.Store;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/** Services, their immutable releases and their plans. */
public final class CatalogService {
    private static final String VERSION = "[0-9A-Za-z][0-9A-Za-z.+_-]{0,63}";
    private final Store store;
    private final Clock clock;

    public CatalogService(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public Service createService(Principal who, ServiceCreate request) {
        Errors errors = new Errors();
        Slugs.check(errors, "name", request.name());
        if (request.description() != null && request.description().length() > 1000) errors.add("description", "must be at most 1000 characters");
        errors.throwIfAny();
        return store.tx(tx -> {
            if (tx.catalog().service(request.name()).isPresent()) throw new ConflictException("name", "service '" + request.name() + "' already exists");
            tx.catalog().insertService(request.name(), request.description());
            tx.events().append("service.created", "services/" + request.name(), null, Map.of("service", request.name(), "actor", who.actor()));
            return tx.catalog().service(request.name()).orElseThrow();
        });
    }

    public Service service(String name) {
        return store.read(tx -> tx.catalog().service(name)).orElseThrow(() -> new NotFoundException("service", "no service '" + name + "'"));
    }

    public List<Service> services() {
        return store.read(tx -> tx.catalog().services());
    }

    public Release createRelease(Principal who, String service, ReleaseCreate request) {
        Errors errors = new Errors();
        if (request.version() == null) errors.add("version", "is required");
        else if (!request.version().matches(VERSION)) errors.add("version", "must be 1-64 characters of letters, digits, '.', '+', '_' and '-'");
        errors.throwIfAny();
        BlueprintValidator.validate(request.blueprint());
        return store.tx(tx -> {
            service(tx, service);
            if (tx.catalog().release(service, request.version()).isPresent()) {
                throw new ConflictException("version", "release " + request.version() + " of '" + service + "' already exists; releases are immutable");
            }
            tx.catalog().insertRelease(service, request.version(), request.blueprint());
            tx.events().append("release.created", "services/" + service + "/releases/" + request.version(), null,
                    Map.of("service", service, "version", request.version(), "actor", who.actor()));
            return tx.catalog().release(service, request.version()).orElseThrow();
        });
    }

    public Release release(String service, String version) {
        return store.tx(tx -> {
            service(tx, service);
            return tx.catalog().release(service, version)
                    .orElseThrow(() -> new NotFoundException("version", "no release " + version + " of '" + service + "'"));
        });
    }

    public List<Release> releases(String service) {
        return store.tx(tx -> {
            service(tx, service);
            return tx.catalog().releases(service);
        });
    }

    public Plan createPlan(Principal who, String service, PlanCreate request) {
        Errors errors = new Errors();
        Slugs.check(errors, "name", request.name());
        if (request.replicas() != null && (request.replicas() < 1 || request.replicas() > Plan.MAX_REPLICAS)) {
            errors.add("replicas", "must be between 1 and " + Plan.MAX_REPLICAS);
        }
        if (request.maxReplicas() != null && (request.maxReplicas() < 1 || request.maxReplicas() > Plan.MAX_REPLICAS)) {
            errors.add("maxReplicas", "must be between 1 and " + Plan.MAX_REPLICAS);
        }
        if (request.replicas() != null && request.maxReplicas() != null && request.replicas() > request.maxReplicas()) {
            errors.add("replicas", "must not exceed maxReplicas (" + request.maxReplicas() + ")");
        }
        Sizes.check(errors, "size", request.size(), Plan.MAX_MEMORY_MB, Plan.MAX_CPU_MILLIS);
        Sizes.check(errors, "maxSize", request.maxSize(), Plan.MAX_MEMORY_MB, Plan.MAX_CPU_MILLIS);
        if (request.hibernateAfterSeconds() != null && request.hibernateAfterSeconds() < Plan.MIN_HIBERNATE_AFTER_SECONDS) {
            errors.add("hibernateAfterSeconds", "must be at least " + Plan.MIN_HIBERNATE_AFTER_SECONDS);
        }
        if (request.retentionSeconds() != null && (request.retentionSeconds() < 0 || request.retentionSeconds() > Plan.MAX_RETENTION_SECONDS)) {
            errors.add("retentionSeconds", "must be between 0 (purge at once) and " + Plan.MAX_RETENTION_SECONDS + " (a year)");
        }
        if (request.pricePerHour() != null && request.pricePerHour().compareTo(BigDecimal.ZERO) < 0) errors.add("pricePerHour", "must not be negative");
        dev.tenantry.api.model.Quota.check(errors, "tenantQuota", request.tenantQuota());
        if (request.database() != null) BackupSchedules.check(errors, "database.backups", request.database().backups());
        errors.throwIfAny();
        Plan plan = new Plan(service, request.name(), request.isolation() == null ? Plan.Isolation.dedicated : request.isolation(),
                request.replicas(), request.size(), request.maxReplicas(), request.maxSize(), request.hibernateAfterSeconds(), request.retentionSeconds(),
                request.pricePerHour() == null ? BigDecimal.ZERO : request.pricePerHour(), clock.instant(), request.tenantQuota(), request.httpsOnly(), request.database());
        return store.tx(tx -> {
            service(tx, service);
            if (tx.catalog().plan(service, request.name()).isPresent()) throw new ConflictException("name", "plan '" + request.name() + "' of '" + service + "' already exists");
            tx.catalog().insertPlan(plan);
            tx.events().append("plan.created", "services/" + service + "/plans/" + plan.name(), null,
                    Map.of("service", service, "plan", plan.name(), "actor", who.actor()));
            return tx.catalog().plan(service, plan.name()).orElseThrow();
        });
    }

    public Plan plan(String service, String name) {
        return store.tx(tx -> {
            service(tx, service);
            return tx.catalog().plan(service, name).orElseThrow(() -> new NotFoundException("plan", CatalogNames.noPlan(tx, service, name)));
        });
    }

    public List<Plan> plans(String service) {
        return store.tx(tx -> {
            service(tx, service);
            return tx.catalog().plans(service);
        });
    }

    private static Service service(dev.tenantry.server.store.Tx tx, String name) {
        return tx.catalog().service(name).orElseThrow(() -> new NotFoundException("service", "no service '" + name + "'"));
    }
}
