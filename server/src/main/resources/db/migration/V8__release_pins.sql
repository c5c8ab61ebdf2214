-- Release pins: rollouts pass a pinned instance, or a tenant's pinned instances of a service, by.
alter table instances add column pinned_release text;
create table tenant_pins (
    tenant     text not null references tenants (id) on delete cascade,
    service    text not null references services (name),
    release    text not null,
    created_at timestamptz not null default now(),
    primary key (tenant, service)
);
