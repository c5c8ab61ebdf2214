package dev.tenantry.api.cell;

import dev.tenantry.api.blueprint.Component;
import dev.tenantry.api.blueprint.Hooks;
import dev.tenantry.api.blueprint.Ingress;
import dev.tenantry.api.blueprint.Upgrade;
import java.time.Duration;
import java.time.Instant;
import dev.tenantry.api.SortedMaps;
import java.util.List;
import java.util.Map;

/**
 * What an agent must run for one instance: its components with server-side placeholders already
 * resolved, and the host name the gateway routes to the ingress port. {@code restartedAt} changes when
 * a rolling restart is asked for: every replica started before it is replaced. A {@code hibernated} deployment
 * runs no replica until a request for it arrives at the gateway, which asks the agent to wake it. {@code hooks} run
 * when the instance moves to this release from another, which it does blue-green, keeping the old replicas warm for
 * {@code upgrade.keepWarmSeconds}. {@code secrets} names the version of each secret the replicas are given (a new
 * version replaces them one at a time), never a value. {@code domains}: the custom domains the gateway also serves the
 * instance at, each with a fingerprint of its uploaded certificate (the agent fetches certificate and key when it changes).
 * {@code httpsOnly}: its plan has plain HTTP redirected to HTTPS. {@code plan}: the name of its plan (a label of its
 * metrics; null in deployments rendered before it was given).
 */
public record Deployment(String instanceUid, String tenant, String instance, long generation, String service,
                         String release, List<Component> components, Ingress ingress, String host, Instant restartedAt,
                         boolean hibernated, Hooks hooks, Upgrade upgrade, Map<String, SecretRef> secrets, Map<String, String> domains,
                         boolean httpsOnly, String plan) {
    public Deployment {
        domains = domains == null ? Map.of() : SortedMaps.copyOf(domains);
        components = components == null ? List.of() : List.copyOf(components);
        hooks = hooks == null ? Hooks.NONE : hooks;
        upgrade = upgrade == null ? Upgrade.DEFAULT : upgrade;
        secrets = secrets == null ? Map.of() : SortedMaps.copyOf(secrets);
    }

    public Deployment(String instanceUid, String tenant, String instance, long generation, String service, String release,
                      List<Component> components, Ingress ingress, String host, Instant restartedAt, boolean hibernated, Hooks hooks,
                      Upgrade upgrade, Map<String, SecretRef> secrets, Map<String, String> domains, boolean httpsOnly) {
        this(instanceUid, tenant, instance, generation, service, release, components, ingress, host, restartedAt, hibernated, hooks, upgrade,
                secrets, domains, httpsOnly, null);
    }

    public Deployment(String instanceUid, String tenant, String instance, long generation, String service, String release,
                      List<Component> components, Ingress ingress, String host, Instant restartedAt, boolean hibernated, Hooks hooks,
                      Upgrade upgrade, Map<String, SecretRef> secrets, Map<String, String> domains) {
        this(instanceUid, tenant, instance, generation, service, release, components, ingress, host, restartedAt, hibernated, hooks, upgrade,
                secrets, domains, false);
    }

    public Deployment(String instanceUid, String tenant, String instance, long generation, String service, String release,
                      List<Component> components, Ingress ingress, String host, Instant restartedAt, boolean hibernated, Hooks hooks,
                      Upgrade upgrade) {
        this(instanceUid, tenant, instance, generation, service, release, components, ingress, host, restartedAt, hibernated, hooks,
                upgrade, null, null);
    }

    public Deployment(String instanceUid, String tenant, String instance, long generation, String service, String release,
                      List<Component> components, Ingress ingress, String host, Instant restartedAt, boolean hibernated) {
        this(instanceUid, tenant, instance, generation, service, release, components, ingress, host, restartedAt, hibernated, null, null, null, null);
    }

    /** How long the previous release's replicas stay warm after an upgrade flipped the route away from them. */
    public Duration keepWarm() {
        return Duration.ofSeconds(upgrade.keepWarmOrDefault());
    }

    public String key() {
        return tenant + "/" + instance;
    }
}
