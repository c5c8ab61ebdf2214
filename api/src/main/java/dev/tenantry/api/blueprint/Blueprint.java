package dev.tenantry.api.blueprint;

import java.util.List;

/**
 * How to run a service: its components, the tenant parameters it takes, which component port the gateway routes
 * tenant traffic to, the hooks an upgrade to this release runs, how long an upgrade keeps the old replicas warm, and
 * the secrets (set by the vendor) its components are given, and the database each instance gets (null: none).
 */
public record Blueprint(List<Component> components, List<Parameter> parameters, Ingress ingress, Hooks hooks, Upgrade upgrade,
                        List<SecretDeclaration> secrets, DatabaseDeclaration database) {
    public Blueprint {
        components = components == null ? List.of() : List.copyOf(components);
        parameters = parameters == null ? List.of() : List.copyOf(parameters);
        secrets = secrets == null ? List.of() : List.copyOf(secrets);
    }

    public Blueprint(List<Component> components, List<Parameter> parameters, Ingress ingress) {
        this(components, parameters, ingress, null, null, null, null);
    }

    public Blueprint(List<Component> components, List<Parameter> parameters, Ingress ingress, Hooks hooks, Upgrade upgrade,
                     List<SecretDeclaration> secrets) {
        this(components, parameters, ingress, hooks, upgrade, secrets, null);
    }

    public boolean hasDatabase() {
        return database != null;
    }

    public SecretDeclaration secret(String name) {
        return secrets.stream().filter(s -> s.name().equals(name)).findFirst().orElse(null);
    }

    public Component component(String name) {
        return components.stream().filter(c -> c.name().equals(name)).findFirst().orElse(null);
    }

    public Parameter parameter(String name) {
        return parameters.stream().filter(p -> p.name().equals(name)).findFirst().orElse(null);
    }
}
