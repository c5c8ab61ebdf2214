package dev.tenantry.api.model;

/** What a token may do: admin everything; operator manages tenants' instances; viewer reads; agent serves one cell. */
public enum Role {
    admin, operator, viewer, agent;

    public boolean canMutate() {
        return this == admin || this == operator;
    }
}
