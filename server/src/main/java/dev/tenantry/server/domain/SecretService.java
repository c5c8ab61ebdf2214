package dev.tenantry.server.domain;

import dev.tenantry.api.blueprint.Blueprint;
import dev.tenantry.api.blueprint.BlueprintValidator;
import dev.tenantry.api.blueprint.Parameter;
import dev.tenantry.api.blueprint.ParameterBinder;
import dev.tenantry.api.cell.SecretRef;
import dev.tenantry.api.model.SecretInfo;
import dev.tenantry.api.model.SecretValue;
import dev.tenantry.api.validation.Errors;
import dev.tenantry.server.keys.SecretBox;
import dev.tenantry.server.signals.Signals;
import dev.tenantry.server.store.InstanceRecord;
import dev.tenantry.server.store.SecretRepository.Sealed;
import dev.tenantry.server.store.Store;
import dev.tenantry.server.store.Tx;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Secrets the vendor sets for a service or for one tenant. A value is stored encrypted ({@link SecretBox}) and never
 * shown again: the API answers with its version and history. Setting a new version retires the old one (its value is
 * erased) and the instances that use it are reconciled: each gets the new version by replacing its replicas one at a
 * time. Only the agent of the cell an instance runs on reads the values, when it starts replicas.
 */
public final class SecretService {
    private final Store store;
    private final SecretBox box;
    private final Signals signals;
    private final Clock clock;

    public SecretService(Store store, SecretBox box, Signals signals, Clock clock) {
        this.store = store;
        this.box = box;
        this.signals = signals;
        this.clock = clock;
    }

    /** Where a secret is set: a service (for all its tenants) or a tenant (for its instances of every service). */
    public record Scope(String kind, String id) {
        public static Scope service(String name) {
            return new Scope("service", name);
        }

        public static Scope tenant(String id) {
            return new Scope("tenant", id);
        }

        String key() {
            return kind + ":" + id;
        }
    }

    public SecretInfo set(Principal who, Scope scope, String name, SecretValue body) {
        Errors errors = new Errors();
        checkName(errors, name);
        String value = body == null ? null : body.value();
        if (value == null || value.isEmpty()) errors.add("value", "is required");
        else if (value.length() > SecretValue.MAX_CHARS) errors.add("value", "must be at most " + SecretValue.MAX_CHARS + " characters (it has " + value.length() + ")");
        else if (value.indexOf('\0') >= 0) errors.add("value", "must not contain NUL characters");
        errors.throwIfAny();
        SecretInfo info = store.tx(tx -> {
            requireScope(tx, scope);
            Instant now = clock.instant();
            int version = tx.secrets().setNext(scope.key(), name, who.actor(), now, v -> box.seal(value, context(scope.key(), name, v)));
            tx.events().append("secret.set", "secrets/" + scope.key() + "/" + name, tenantOf(scope),
                    Map.of("scope", scope.key(), "name", name, "version", version));
            reconcileUsers(tx, scope, name);
            return tx.secrets().history(scope.key(), name).orElseThrow();
        });
        signals.fire(Signals.Topic.RECONCILE);
        signals.fire(Signals.Topic.EVENTS);
        return info;
    }

    /**
     * Retires the secret's current version. Instances that use it fall back to the service's value (for a tenant's
     * secret); when nothing would be left for an instance that uses it, the delete is refused.
     */
    public void delete(Principal who, Scope scope, String name) {
        store.run(tx -> {
            requireScope(tx, scope);
            tx.secrets().current(scope.key(), name).orElseThrow(() -> new NotFoundException("name", "no secret '" + name + "' in " + scope.key()));
            List<String> stranded = tx.secrets().instancesUsing(name, tenantOf(scope), serviceOf(scope)).stream()
                    .filter(i -> scope.kind().equals("service")
                            ? tx.secrets().current(InstanceSecrets.tenantScope(i.tenant()), name).isEmpty()
                            : tx.secrets().current(InstanceSecrets.serviceScope(i.service()), name).isEmpty())
                    .map(i -> i.tenant() + "/" + i.name()).toList();
            if (!stranded.isEmpty()) {
                throw new ConflictException("name", "secret '" + name + "' is used by " + String.join(", ", stranded.subList(0, Math.min(10, stranded.size())))
                        + (stranded.size() > 10 ? " and " + (stranded.size() - 10) + " more" : "") + ", which would have no value left");
            }
            tx.secrets().retire(scope.key(), name, clock.instant());
            tx.events().append("secret.deleted", "secrets/" + scope.key() + "/" + name, tenantOf(scope), Map.of("scope", scope.key(), "name", name));
            reconcileUsers(tx, scope, name);
        });
        signals.fire(Signals.Topic.RECONCILE);
        signals.fire(Signals.Topic.EVENTS);
    }

    public List<SecretInfo> list(Scope scope) {
        return store.tx(tx -> {
            requireScope(tx, scope);
            return tx.secrets().list(scope.key());
        });
    }

    public SecretInfo get(Scope scope, String name) {
        return store.tx(tx -> {
            requireScope(tx, scope);
            return tx.secrets().history(scope.key(), name)
                    .orElseThrow(() -> new NotFoundException("name", "no secret '" + name + "' in " + scope.key()));
        });
    }

    /**
     * The values of the secrets an instance's replicas are given, for the agent of the cell it is placed on: the
     * versions its deployment names, or the current ones where those were replaced since (its next generation brings
     * them anyway).
     */
    public Map<String, String> valuesFor(String cell, String instanceUid) {
        return store.tx(tx -> {
            Optional<InstanceRecord> found = tx.instances().byUid(instanceUid).filter(i -> cell.equals(i.cell()) && i.deployment() != null);
            if (found.isEmpty()) {
                // a deployment the control plane made itself: a dedicated database server
                return tx.databaseServers().deployment(cell, instanceUid).map(d -> ownValues(tx, d))
                        .orElseThrow(() -> new NotFoundException("id", "no instance '" + instanceUid + "' on cell '" + cell + "'"));
            }
            InstanceRecord instance = found.get();
            Map<String, String> values = new TreeMap<>();
            for (Map.Entry<String, SecretRef> e : instance.deployment().secrets().entrySet()) {
                Sealed sealed = tx.secrets().current(e.getValue().scope(), e.getKey())
                        .or(() -> tx.secrets().current(InstanceSecrets.instanceScope(instance.uid()), e.getKey()))
                        .or(() -> tx.secrets().current(InstanceSecrets.tenantScope(instance.tenant()), e.getKey()))
                        .or(() -> tx.secrets().current(InstanceSecrets.serviceScope(instance.spec().service()), e.getKey()))
                        .orElseThrow(() -> new ConflictException("secrets." + e.getKey(), "secret '" + e.getKey() + "' has no value any more"));
                values.put(e.getKey(), box.open(sealed.value(), context(sealed.scope(), e.getKey(), sealed.version())));
            }
            return values;
        });
    }

    /** The values of the secrets a deployment the control plane made names (a dedicated database server's admin password). */
    private Map<String, String> ownValues(Tx tx, dev.tenantry.api.cell.Deployment d) {
        Map<String, String> values = new TreeMap<>();
        d.secrets().forEach((name, ref) -> {
            Sealed sealed = tx.secrets().current(ref.scope(), name)
                    .orElseThrow(() -> new ConflictException("secrets." + name, "secret '" + name + "' has no value any more"));
            values.put(name, box.open(sealed.value(), context(sealed.scope(), name, sealed.version())));
        });
        return values;
    }

    /**
     * Stores the value of each secret parameter that {@code parameters} gives as text as the instance's secret (its
     * next version), and puts the marker (set, version) in its place; returns the parameters to keep in the spec.
     */
    public Map<String, Object> sealParameters(Tx tx, String instanceUid, Blueprint blueprint, Map<String, Object> parameters, String actor) {
        Map<String, Object> sealed = new java.util.LinkedHashMap<>(parameters);
        String scope = InstanceSecrets.instanceScope(instanceUid);
        for (Parameter p : blueprint.parameters()) {
            if (p.isSecret() && parameters.get(p.name()) instanceof String value) {
                int version = tx.secrets().setNext(scope, p.name(), actor, clock.instant(), v -> box.seal(value, context(scope, p.name(), v)));
                sealed.put(p.name(), ParameterBinder.secretMarker(version));
            }
        }
        return sealed;
    }

    /** Stores a value the control plane made or was given (a database password) as the next version of a secret; returns it. */
    public int sealNext(Tx tx, String scope, String name, String value, String actor) {
        return tx.secrets().setNext(scope, name, actor, clock.instant(), v -> box.seal(value, context(scope, name, v)));
    }

    /** The current value of a secret, for the control plane's own use (a server's admin password, a login it provisions). */
    public java.util.Optional<String> openCurrent(Tx tx, String scope, String name) {
        return tx.secrets().current(scope, name).map(s -> box.open(s.value(), context(s.scope(), name, s.version())));
    }

    /** The instances that use the secret get a pass now: each moves to the version it should have. */
    private static void reconcileUsers(Tx tx, Scope scope, String name) {
        tx.secrets().instancesUsing(name, tenantOf(scope), serviceOf(scope)).forEach(i -> tx.instances().requestReconcile(i.uid()));
    }

    private static void requireScope(Tx tx, Scope scope) {
        boolean exists = scope.kind().equals("service") ? tx.catalog().service(scope.id()).isPresent() : tx.tenants().get(scope.id()).isPresent();
        if (!exists) throw new NotFoundException(scope.kind(), "no " + scope.kind() + " '" + scope.id() + "'");
    }

    private static void checkName(Errors errors, String name) {
        if (name == null || !name.matches(BlueprintValidator.SECRET_NAME)) {
            errors.add("name", "must be a letter followed by letters, digits or '_' (at most 63)");
        }
    }

    private static String tenantOf(Scope scope) {
        return scope.kind().equals("tenant") ? scope.id() : null;
    }

    private static String serviceOf(Scope scope) {
        return scope.kind().equals("service") ? scope.id() : null;
    }

    /** The associated data of a value: where it belongs. */
    private static String context(String scope, String name, int version) {
        return "tenantry:secret:" + scope + "/" + name + "@" + version;
    }
}
