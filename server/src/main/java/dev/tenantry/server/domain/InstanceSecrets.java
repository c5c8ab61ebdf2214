package dev.tenantry.server.domain;

import dev.tenantry.api.blueprint.Blueprint;
import dev.tenantry.api.blueprint.Parameter;
import dev.tenantry.api.blueprint.SecretDeclaration;
import dev.tenantry.api.cell.SecretRef;
import dev.tenantry.server.store.SecretRepository.Sealed;
import dev.tenantry.server.store.Tx;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Which value of each secret an instance gets: of a secret the blueprint declares, its tenant's when the vendor set
 * one for the tenant, else its service's; of a secret parameter, the instance's own.
 */
public final class InstanceSecrets {
    private InstanceSecrets() {}

    public static String serviceScope(String service) {
        return "service:" + service;
    }

    public static String tenantScope(String tenant) {
        return "tenant:" + tenant;
    }

    /** Where an instance's own secret parameters are kept. */
    public static String instanceScope(String instanceUid) {
        return "instance:" + instanceUid;
    }

    /** The secrets' current versions, and the declared names that have none. */
    public record Resolution(Map<String, SecretRef> refs, List<String> missing) {
        public String missingMessage(String tenant, String service) {
            return "secret" + (missing.size() == 1 ? " " : "s ") + String.join(", ", missing) + (missing.size() == 1 ? " is" : " are")
                    + " set neither for tenant '" + tenant + "' nor for service '" + service + "'";
        }
    }

    /**
     * The versions of the blueprint's declared secrets (tenant's, else service's) and of the instance's secret
     * parameters ({@code instanceUid} null: an instance not created yet, whose parameters are checked elsewhere).
     */
    public static Resolution resolve(Tx tx, Blueprint blueprint, String tenant, String service, String instanceUid) {
        Map<String, SecretRef> refs = new TreeMap<>();
        List<String> missing = new ArrayList<>();
        for (Parameter p : blueprint.parameters()) {
            if (!p.isSecret() || instanceUid == null) continue;
            tx.secrets().current(instanceScope(instanceUid), p.name())
                    .ifPresent(s -> refs.put(p.name(), new SecretRef(s.scope(), s.version())));
        }
        if (blueprint.hasDatabase() && instanceUid != null) {
            tx.secrets().current(DatabaseService.passwordScope(instanceUid), DatabaseService.PASSWORD_SECRET)
                    .ifPresent(s -> refs.put(DatabaseService.PASSWORD_SECRET, new SecretRef(s.scope(), s.version())));
        }
        for (SecretDeclaration declared : blueprint.secrets()) {
            Optional<Sealed> value = tx.secrets().current(tenantScope(tenant), declared.name())
                    .or(() -> tx.secrets().current(serviceScope(service), declared.name()));
            if (value.isPresent()) refs.put(declared.name(), new SecretRef(value.get().scope(), value.get().version()));
            else missing.add(declared.name());
        }
        return new Resolution(refs, missing);
    }

    /** Throws a {@link ConflictException} naming the first field when a secret the blueprint declares is not set. */
    public static void requireSet(Tx tx, Blueprint blueprint, String tenant, String service) {
        Resolution r = resolve(tx, blueprint, tenant, service, null);
        if (!r.missing().isEmpty()) {
            throw new ConflictException("secrets." + r.missing().getFirst(), r.missingMessage(tenant, service)
                    + ": set " + (r.missing().size() == 1 ? "it" : "them") + " first (tenantry secrets set)");
        }
    }
}
