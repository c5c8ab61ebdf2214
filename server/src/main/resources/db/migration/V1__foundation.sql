-- Foundation schema: catalog (services, releases, plans), tenants, instances, cells,
-- operations, the event outbox, audit records and API tokens.

create table services (
    name        text primary key,
    description text,
    created_at  timestamptz not null default now()
);

create table releases (
    service    text not null references services (name) on delete cascade,
    version    text not null,
    seq        bigserial not null,
    blueprint  jsonb not null,
    created_at timestamptz not null default now(),
    primary key (service, version)
);

create table plans (
    service        text not null references services (name) on delete cascade,
    name           text not null,
    isolation      text not null,
    replicas       int,
    memory_mb      int,
    cpu_millis     int,
    price_per_hour numeric(12, 4),
    created_at     timestamptz not null default now(),
    primary key (service, name)
);

create table tenants (
    id         text primary key,
    name       text not null,
    created_at timestamptz not null default now()
);

create table cells (
    id         text primary key,
    region     text not null,
    driver     text not null,
    capacity   int not null,
    base_domain text not null,
    endpoint_template text not null,
    revision   bigint not null default 0,
    agent_id   text,
    last_seen  timestamptz,
    created_at timestamptz not null default now()
);

create table instances (
    uid                 text primary key,
    tenant              text not null references tenants (id) on delete cascade,
    name                text not null,
    generation          bigint not null,
    spec                jsonb not null,
    phase               text not null,
    observed_generation bigint not null default 0,
    status              jsonb not null,
    observed            jsonb,
    cell                text references cells (id),
    deployment          jsonb,
    published           boolean not null default false,
    published_revision  bigint not null default 0,
    agent_revision      bigint not null default 0,
    last_operation      text,
    reconcile_at        timestamptz,
    reconcile_requested boolean not null default false,
    lease_owner         text,
    lease_until         timestamptz,
    created_at          timestamptz not null default now(),
    updated_at          timestamptz not null default now()
);
create unique index instances_live_name on instances (tenant, name) where phase <> 'DELETED';
create index instances_due on instances (reconcile_at) where reconcile_at is not null;
create index instances_cell on instances (cell) where published;

create table operations (
    id           text primary key,
    type         text not null,
    tenant       text,
    target       text not null,
    instance_uid text,
    state        text not null,
    steps        jsonb not null,
    error        text,
    actor        text not null,
    created_at   timestamptz not null default now(),
    updated_at   timestamptz not null default now()
);
create index operations_instance on operations (instance_uid, created_at);

create table events (
    id      bigserial primary key,
    type    text not null,
    subject text not null,
    tenant  text,
    time    timestamptz not null default now(),
    data    jsonb not null
);

create table audit (
    id     bigserial primary key,
    time   timestamptz not null default now(),
    actor  text not null,
    action text not null,
    target text not null,
    tenant text,
    result text not null,
    detail text
);
create index audit_tenant on audit (tenant, id);

create table tokens (
    id         text primary key,
    name       text not null,
    role       text not null,
    tenant     text references tenants (id) on delete cascade,
    cell       text,
    hash       text not null unique,
    created_at timestamptz not null default now(),
    revoked_at timestamptz
);
