package dev.tenantry.server.domain;

import dev.tenantry.api.blueprint.Blueprint;
import dev.tenantry.api.blueprint.Component;
import dev.tenantry.api.blueprint.Ingress;
import dev.tenantry.api.blueprint.Placeholders;
import dev.tenantry.api.blueprint.Resources;
import dev.tenantry.api.cell.Deployment;
import dev.tenantry.api.model.Plan;
import dev.tenantry.api.model.Release;
import dev.tenantry.api.model.Tenant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Turns a release's blueprint, a plan and an instance's parameters into the deployment its cell
 * runs: server-side placeholders resolved, the plan's replicas and size applied.
 */
public final class DeploymentRenderer {
    private DeploymentRenderer() {}

    public static Deployment render(InstanceRecord instance, Tenant tenant, Release release, Plan plan, String baseDomain) {
        Blueprint blueprint = release.blueprint();
        Map<String, Object> params = instance.spec().parameters() == null ? Map.of() : instance.spec().parameters();
        Function<String, String> resolver = key -> switch (key) {
            case "tenant.id" -> tenant.id();
            case "tenant.name" -> tenant.name();
            case "instance.name" -> instance.name();
            case "service.name" -> release.service();
            case "release.version" -> release.version();
            default -> key.startsWith("params.") && params.containsKey(key.substring(7))
                    ? String.valueOf(params.get(key.substring(7))) : null;
        };
        Ingress ingress = ingressOf(blueprint);
        List<Component> components = blueprint.components().stream()
                .map(c -> renderComponent(c, plan, ingress, resolver)).toList();
        String host = ingress == null ? null : instance.name() + "." + tenant.id() + "." + baseDomain;
        return new Deployment(instance.uid(), tenant.id(), instance.name(), instance.generation(), release.service(),
                release.version(), components, ingress, host);
    }

    /** The declared ingress, else the first port of the first component that has one. */
    static Ingress ingressOf(Blueprint blueprint) {
        if (blueprint.ingress() != null) return blueprint.ingress();
        return blueprint.components().stream().filter(c -> !c.ports().isEmpty()).findFirst()
                .map(c -> new Ingress(c.name(), c.ports().get(0).name())).orElse(null);
    }

    private static Component renderComponent(Component c, Plan plan, Ingress ingress, Function<String, String> resolver) {
        Map<String, String> env = new LinkedHashMap<>();
        c.env().forEach((k, v) -> env.put(k, Placeholders.render(v, resolver)));
        Integer replicas = c.replicas();
        if (plan.replicas() != null && ingress != null && ingress.component().equals(c.name())) replicas = plan.replicas();
        return new Component(c.name(),
                c.command().stream().map(s -> Placeholders.render(s, resolver)).toList(),
                c.args().stream().map(s -> Placeholders.render(s, resolver)).toList(),
                env, c.ports(), c.health(), size(c.resources(), plan.size()), replicas == null ? 1 : replicas);
    }

    private static Resources size(Resources component, Resources plan) {
        Resources base = component == null ? Resources.DEFAULT : component;
        if (plan == null) return new Resources(orElse(base.memoryMb(), 128), orElse(base.cpuMillis(), 250));
        return new Resources(orElse(plan.memoryMb(), orElse(base.memoryMb(), 128)), orElse(plan.cpuMillis(), orElse(base.cpuMillis(), 250)));
    }

    private static Integer orElse(Integer value, int fallback) {
        return value == null ? fallback : value;
    }
}
