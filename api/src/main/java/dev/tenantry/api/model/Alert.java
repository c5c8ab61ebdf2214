package dev.tenantry.api.model;

import dev.tenantry.api.SortedMaps;
import java.time.Instant;
import java.util.Map;

/**
 * A condition one of the built-in rules found: {@code firing} since {@code since}, or {@code resolved} at
 * {@code resolvedAt}. {@code subject} names what it is about ({@code instances/<uid>}, {@code cells/<id>}, …),
 * {@code target} the same for people ({@code acme/web}, cell {@code eu-1}); {@code tenant} is null for the provider's own
 * (a cell offline). {@code figures}: what was measured when it fired (or last changed) and the threshold it crossed.
 */
public record Alert(String id, String rule, State state, String tenant, String subject, String target, String message,
                    Map<String, Object> figures, Instant since, Instant resolvedAt) {
    public enum State { firing, resolved }

    public Alert {
        figures = figures == null ? Map.of() : SortedMaps.copyOf(figures);
    }
}
