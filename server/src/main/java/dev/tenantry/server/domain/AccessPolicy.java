package dev.tenantry.server.domain;

import dev.tenantry.api.model.Role;
import java.util.Optional;

/**
 * Who may call a route: the audience a principal must belong to and the least role it needs there.
 * Provider scope (tokens without a tenant) owns what is shared; tenant scope reaches one tenant's objects;
 * an agent token acts only for its own cell. The decision is pure: it reads the principal and the route's
 * {@code {tenant}} and {@code {cell}} path values, nothing else.
 */
public record AccessPolicy(Audience audience, Role least) {

    public enum Audience {
        /** anyone, without a token */
        PUBLIC,
        /** provider-scope tokens only: the catalog, cells, rollouts, protection */
        PROVIDER,
        /** provider-scope tokens, and tokens of the tenant named in the path */
        TENANT,
        /** provider- and tenant-scope tokens alike; the domain narrows what a tenant token sees to its tenant */
        MEMBER,
        /** the agent token of the cell named in the path, and nobody else */
        CELL_AGENT
    }

    public AccessPolicy {
        if ((audience == Audience.PUBLIC || audience == Audience.CELL_AGENT) != (least == null)) {
            throw new IllegalArgumentException(audience + " takes " + (least == null ? "a" : "no") + " least role");
        }
        if (least == Role.agent) throw new IllegalArgumentException("agent is not a rank of people's roles");
    }

    public static AccessPolicy of(Audience audience, Role least) {
        return new AccessPolicy(audience, least);
    }

    /** Why {@code who} may not call a route with these path values; empty when it may. */
    public Optional<String> denial(Principal who, String pathTenant, String pathCell) {
        if (audience == Audience.PUBLIC) return Optional.empty();
        if (audience == Audience.CELL_AGENT) {
            if (who.role() != Role.agent) return Optional.of("only the agent of cell '" + pathCell + "' may call this");
            return who.cell() != null && who.cell().equals(pathCell) ? Optional.empty()
                    : Optional.of("this agent token serves cell '" + who.cell() + "', not '" + pathCell + "'");
        }
        if (who.role() == Role.agent) return Optional.of("an agent token may only call its own cell's endpoints");
        if (rank(who.role()) < rank(least)) return Optional.of("role '" + who.role() + "' may not do this; it needs " + least);
        if (who.tenant() == null) return Optional.empty();
        return switch (audience) {
            case PROVIDER -> Optional.of("a token of tenant '" + who.tenant() + "' cannot reach provider-wide objects");
            case TENANT -> who.tenant().equals(pathTenant) ? Optional.empty()
                    : Optional.of("a token of tenant '" + who.tenant() + "' cannot reach tenant '" + pathTenant + "'");
            default -> Optional.empty();
        };
    }

    /** The policy as written in the OpenAPI document's {@code x-access}: {@code provider:admin}, {@code agent}, … */
    public String describe() {
        return switch (audience) {
            case PUBLIC -> "public";
            case CELL_AGENT -> "cell-agent";
            default -> audience.name().toLowerCase(java.util.Locale.ROOT) + ":" + least;
        };
    }

    private static int rank(Role role) {
        return switch (role) {
            case viewer -> 1;
            case operator -> 2;
            case admin -> 3;
            case agent -> 0;
        };
    }
}
