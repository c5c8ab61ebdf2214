package dev.tenantry.server.domain;

import dev.tenantry.api.blueprint.Blueprint;
import dev.tenantry.api.blueprint.Component;
import dev.tenantry.api.blueprint.Hooks;
import dev.tenantry.api.blueprint.Ingress;
import dev.tenantry.api.blueprint.Placeholders;
import dev.tenantry.api.blueprint.Resources;
import dev.tenantry.api.cell.Deployment;
import dev.tenantry.api.cell.SecretRef;
import dev.tenantry.api.model.InstanceSpec;
import dev.tenantry.api.model.Plan;
import dev.tenantry.api.model.Release;
import dev.tenantry.api.model.Tenant;
import dev.tenantry.server.store.InstanceRecord;
import dev.tenantry.server.tenantdb.DatabaseEndpoint;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Turns a release's blueprint, a plan and an instance's spec into the deployment its cell runs:
 * server-side placeholders resolved; replicas of the ingress component and the size of every component
 * from the instance's scaling, else the plan, else the blueprint; no replicas at all while it is stopped.
 */
public final class DeploymentRenderer {
    private DeploymentRenderer() {}

    public static Deployment render(InstanceRecord instance, Tenant tenant, Release release, Plan plan, String baseDomain) {
        return render(instance, tenant, release, plan, baseDomain, Map.of(), Map.of());
    }

    /**
     * The deployment, naming the version of each secret the replicas are given ({@code secrets}), never a value, and the
     * custom domains it is also served at ({@code domains}: domain → fingerprint of its certificate).
     */
    public static Deployment render(InstanceRecord instance, Tenant tenant, Release release, Plan plan, String baseDomain,
                                    Map<String, SecretRef> secrets, Map<String, String> domains) {
        return render(instance, tenant, release, plan, baseDomain, secrets, domains, null);
    }

    /**
     * The same, for a release with a database: every component is given the endpoint's libpq variables and
     * {@code JDBC_DATABASE_URL} (its own values for them win), and {@code {{database.*}}} placeholders are filled in.
     */
    public static Deployment render(InstanceRecord instance, Tenant tenant, Release release, Plan plan, String baseDomain,
                                    Map<String, SecretRef> secrets, Map<String, String> domains, DatabaseEndpoint database) {
        Blueprint blueprint = release.blueprint();
        Map<String, Object> params = instance.spec().parameters() == null ? Map.of() : instance.spec().parameters();
        Function<String, String> values = key -> switch (key) {
            case "tenant.id" -> tenant.id();
            case "tenant.name" -> tenant.name();
            case "instance.name" -> instance.name();
            case "service.name" -> release.service();
            case "release.version" -> release.version();
            default -> key.startsWith("params.") && params.containsKey(key.substring(7))
                    ? String.valueOf(params.get(key.substring(7))) : null;
        };
        Function<String, String> literals = values.andThen(Placeholders::literal);
        // the JDBC URL carries the password's placeholder for the agent: it is not made a literal
        Function<String, String> resolver = database == null ? literals
                : key -> key.startsWith("database.") ? database.placeholder(key) : literals.apply(key);
        Ingress ingress = ingressOf(blueprint);
        Map<String, String> databaseEnv = database == null ? Map.of() : database.environment();
        List<Component> components = blueprint.components().stream()
                .map(c -> renderComponent(c, instance.spec(), plan, ingress, resolver, databaseEnv)).toList();
        String host = ingress == null ? null : instance.name() + "." + tenant.id() + "." + baseDomain;
        Hooks hooks = blueprint.hooks() == null ? null : new Hooks(render(blueprint.hooks().preUpgrade(), resolver),
                render(blueprint.hooks().postUpgrade(), resolver), blueprint.hooks().timeoutSeconds());
        return new Deployment(instance.uid(), tenant.id(), instance.name(), instance.generation(), release.service(),
                release.version(), components, ingress, host, instance.spec().restartedAt(), instance.spec().hibernated(), hooks,
                blueprint.upgrade(), secrets, ingress == null ? Map.of() : domains, plan.redirectsToHttps(), plan.name());
    }

    private static List<String> render(List<String> words, Function<String, String> resolver) {
        return words.stream().map(s -> Placeholders.render(s, resolver)).toList();
    }

    /** The declared ingress, else the first port of the first component that has one. */
    static Ingress ingressOf(Blueprint blueprint) {
        if (blueprint.ingress() != null) return blueprint.ingress();
        return blueprint.components().stream().filter(c -> !c.ports().isEmpty()).findFirst()
                .map(c -> new Ingress(c.name(), c.ports().get(0).name())).orElse(null);
    }

    private static Component renderComponent(Component c, InstanceSpec spec, Plan plan, Ingress ingress, Function<String, String> resolver,
                                             Map<String, String> databaseEnv) {
        Map<String, String> env = new LinkedHashMap<>(databaseEnv);
        c.env().forEach((k, v) -> env.put(k, Placeholders.render(v, resolver)));
        return new Component(c.name(),
                render(c.command(), resolver),
                render(c.args(), resolver),
                env, c.ports(), c.health(), size(c.resources(), plan.size(), spec.size()), spec.stopped() ? 0 : replicas(c, spec, plan, ingress));
    }

    /** The component's replicas while the instance runs: for the ingress component the instance's scaling, else the plan's. */
    private static int replicas(Component c, InstanceSpec spec, Plan plan, Ingress ingress) {
        Integer replicas = c.replicas();
        if (ingress != null && ingress.component().equals(c.name())) {
            if (plan.replicas() != null) replicas = plan.replicas();
            if (spec.replicas() != null) replicas = spec.replicas();
        }
        return replicas == null ? 1 : replicas;
    }

    /**
     * What the instance takes while it runs (also while it is stopped or hibernated: what it may take again), in CPU
     * millicores and memory MiB over all replicas of all components; one instance.
     */
    public static dev.tenantry.api.model.QuotaUsage.Usage footprint(Blueprint blueprint, Plan plan, InstanceSpec spec) {
        Ingress ingress = ingressOf(blueprint);
        long cpu = 0;
        long memory = 0;
        for (Component c : blueprint.components()) {
            int replicas = replicas(c, spec, plan, ingress);
            Resources size = size(c.resources(), plan.size(), spec.size());
            cpu += (long) replicas * size.cpuMillis();
            memory += (long) replicas * size.memoryMb();
        }
        return new dev.tenantry.api.model.QuotaUsage.Usage(1, cpu, memory);
    }

    /** Each field from the instance's scaling, else the plan, else the component, else the default. */
    private static Resources size(Resources component, Resources plan, Resources scaled) {
        Resources base = component == null ? Resources.DEFAULT : component;
        Resources p = plan == null ? new Resources(null, null) : plan;
        Resources s = scaled == null ? new Resources(null, null) : scaled;
        return new Resources(first(s.memoryMb(), p.memoryMb(), base.memoryMb(), 128), first(s.cpuMillis(), p.cpuMillis(), base.cpuMillis(), 250));
    }

    private static int first(Integer a, Integer b, Integer c, int fallback) {
        return a != null ? a : b != null ? b : c != null ? c : fallback;
    }
}
