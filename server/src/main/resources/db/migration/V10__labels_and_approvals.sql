-- Tenant labels (selectable by rollouts), the protection policy, and rollout approvals.
alter table tenants add column labels jsonb not null default '{}';
create table settings (
    key        text primary key,
    value      jsonb not null,
    updated_at timestamptz not null default now()
);
alter table rollouts add column created_by_token text;
alter table rollouts add column approval_reason text;
alter table rollouts add column approved_by text;
