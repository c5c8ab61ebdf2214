package dev.tenantry.agent.driver;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tenantry.api.Hashes;
import dev.tenantry.api.Json;
import dev.tenantry.api.blueprint.Component;
import dev.tenantry.api.cell.Deployment;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.tenantry.api.cell.SecretRef;
import java.time.Instant;
import java.util.Map;

/**
 * What a replica was started from: its component (without the replica count), the release and the last restart request.
 * A slot whose replica has another template is replaced; a replica's state file keeps its template's fingerprint. The
 * versions of the instance's secrets are part of it (a new version replaces the replicas); none leaves the fingerprint
 * as it was before secrets existed.
 */
record ReplicaTemplate(Component component, String release, Instant restartedAt,
                       @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, SecretRef> secrets) {
    private static final ObjectWriter CANONICAL = Json.MAPPER.writer().with(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    /** The fingerprint of the template of component {@code c} in deployment {@code d}. */
    static String of(Deployment d, Component c) {
        Component withoutCount = new Component(c.name(), c.command(), c.args(), c.env(), c.ports(), c.health(), c.resources(), null);
        return new ReplicaTemplate(withoutCount, d.release(), d.restartedAt(), d.secrets()).fingerprint();
    }

    /** A hash of the template that stays the same across agent restarts (maps written in key order). */
    String fingerprint() {
        try {
            return Hashes.sha256(CANONICAL.writeValueAsBytes(this));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot fingerprint a replica template", e);
        }
    }
}
