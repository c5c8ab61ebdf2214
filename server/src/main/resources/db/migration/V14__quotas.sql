-- per-tenant quotas: a plan's default for each tenant's instances of it, and a tenant's own (set by an admin)
alter table plans add column tenant_quota jsonb;
alter table tenants add column quota jsonb;
