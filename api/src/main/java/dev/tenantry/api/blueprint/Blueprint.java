package dev.tenantry.api.blueprint;

import java.util.List;

/**
 * How to run a service: its components, the tenant parameters it takes, and which component port
 * the gateway routes tenant traffic to.
 */
public record Blueprint(List<Component> components, List<Parameter> parameters, Ingress ingress) {
    public Blueprint {
        components = components == null ? List.of() : List.copyOf(components);
        parameters = parameters == null ? List.of() : List.copyOf(parameters);
    }

    public Component component(String name) {
        return components.stream().filter(c -> c.name().equals(name)).findFirst().orElse(null);
    }

    public Parameter parameter(String name) {
        return parameters.stream().filter(p -> p.name().equals(name)).findFirst().orElse(null);
    }
}
