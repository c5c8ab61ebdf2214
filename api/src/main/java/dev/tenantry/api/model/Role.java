package dev.tenantry.api.model;

/** What a token may do: admin everything; operator manages tenants' instances; viewer reads; agent serves one cell. */
public enum Role {
    admin, operator, viewer, agent;

}
