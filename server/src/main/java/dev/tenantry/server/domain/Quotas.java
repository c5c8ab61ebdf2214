package dev.tenantry.server.domain;

import dev.tenantry.api.model.Plan;
import dev.tenantry.api.model.Quota;
import dev.tenantry.api.model.QuotaUsage.Usage;
import dev.tenantry.api.model.Release;
import dev.tenantry.api.model.Tenant;
import dev.tenantry.api.model.InstanceSpec;
import dev.tenantry.server.store.InstanceRecord;
import dev.tenantry.server.store.Tx;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Tenants' quotas, checked in the transaction that would exceed them: the tenant's row is locked first, so that
 * concurrent creates and changes of one tenant are counted one after the other. The tenant's own quota bounds all its
 * live instances; without one, the plan's {@code tenantQuota} bounds its live instances of that plan.
 */
final class Quotas {
    private Quotas() {}

    /** Throws {@link QuotaExceededException} when the instance {@code uid} with {@code spec} would put its tenant over quota. */
    static void check(Tx tx, String tenant, String uid, InstanceSpec spec, Plan plan, Release release) {
        check(tx, tx.tenants().get(tenant).orElseThrow(() -> new NotFoundException("tenant", "no tenant '" + tenant + "'")), uid, spec, plan, release);
    }

    /** The same, with the tenant as this transaction read it (unlocked); it is locked and read again only when a quota applies. */
    static void check(Tx tx, Tenant unlocked, String uid, InstanceSpec spec, Plan plan, Release release) {
        String tenant = unlocked.id();
        if (unlocked.quota() == null && plan.tenantQuota() == null) return;
        Tenant locked = tx.tenants().lock(tenant).orElseThrow(() -> new NotFoundException("tenant", "no tenant '" + tenant + "'"));
        Quota quota = locked.quota() != null ? locked.quota() : plan.tenantQuota();
        if (quota == null) return;
        boolean planWide = locked.quota() == null;
        Usage others = usage(tx, tenant, uid, planWide ? plan : null);
        Usage after = others.plus(DeploymentRenderer.footprint(release.blueprint(), plan, spec));
        exceeded(quota, after).ifPresent(field -> {
            throw new QuotaExceededException("quota." + field, (planWide ? "plan '" + plan.name() + "' allows each tenant " : "tenant '" + tenant
                    + "' has a quota of ") + describe(quota, field) + "; this would make it " + value(after, field));
        });
    }

    /** The live instances of the tenant (of {@code plan} only, unless null) other than {@code exceptUid}. */
    static Usage usage(Tx tx, String tenant, String exceptUid, Plan plan) {
        Usage total = Usage.NONE;
        Map<String, Optional<Release>> releases = new HashMap<>();
        Map<String, Optional<Plan>> plans = new HashMap<>();
        for (InstanceRecord i : tx.instances().liveOfTenant(tenant)) {
            if (i.uid().equals(exceptUid)) continue;
            InstanceSpec s = i.spec();
            if (plan != null && !(s.service().equals(plan.service()) && s.plan().equals(plan.name()))) continue;
            Optional<Release> release = releases.computeIfAbsent(s.service() + "@" + s.release(), k -> tx.catalog().release(s.service(), s.release()));
            Optional<Plan> itsPlan = plans.computeIfAbsent(s.service() + "/" + s.plan(), k -> tx.catalog().plan(s.service(), s.plan()));
            total = total.plus(release.isPresent() && itsPlan.isPresent() ? DeploymentRenderer.footprint(release.get().blueprint(), itsPlan.get(), s)
                    : new Usage(1, 0, 0));
        }
        return total;
    }

    /** The first field of the quota that the usage goes over, if any. */
    static Optional<String> exceeded(Quota quota, Usage usage) {
        if (quota.instances() != null && usage.instances() > quota.instances()) return Optional.of("instances");
        if (quota.cpuMillis() != null && usage.cpuMillis() > quota.cpuMillis()) return Optional.of("cpuMillis");
        if (quota.memoryMb() != null && usage.memoryMb() > quota.memoryMb()) return Optional.of("memoryMb");
        return Optional.empty();
    }

    private static String describe(Quota quota, String field) {
        return switch (field) {
            case "instances" -> quota.instances() + " instance(s)";
            case "cpuMillis" -> quota.cpuMillis() + " CPU millicores";
            default -> quota.memoryMb() + " MiB of memory";
        };
    }

    private static String value(Usage usage, String field) {
        return switch (field) {
            case "instances" -> usage.instances() + " instance(s)";
            case "cpuMillis" -> usage.cpuMillis() + " millicores";
            default -> usage.memoryMb() + " MiB";
        };
    }
}
