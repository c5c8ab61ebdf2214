package dev.tenantry.api.cell;

import dev.tenantry.api.blueprint.Component;
import dev.tenantry.api.blueprint.Ingress;
import java.util.List;

/**
 * What an agent must run for one instance: its components with server-side placeholders already
 * resolved, and the host name the gateway routes to the ingress port.
 */
public record Deployment(String instanceUid, String tenant, String instance, long generation, String service,
                         String release, List<Component> components, Ingress ingress, String host) {
    public Deployment {
        components = components == null ? List.of() : List.copyOf(components);
    }

    public String key() {
        return tenant + "/" + instance;
    }
}
