package dev.tenantry.api.model;

/**
 * How a plan keeps its tenants' data apart: {@code shared} tables with a tenant column under row-level security,
 * a {@code schema} per tenant, a {@code database} per tenant on a shared server, or a {@code dedicated} PostgreSQL
 * server per tenant, supervised on its cell.
 */
public enum DatabaseIsolation { shared, schema, database, dedicated }
