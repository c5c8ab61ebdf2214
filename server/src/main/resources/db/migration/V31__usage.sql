-- Usage reports already counted (each agent meter numbers its reports), and where each meter's reports ended.
create table usage_receipts (
    cell        text not null,
    meter_id    text not null,
    seq         bigint not null,
    received_at timestamptz not null default now(),
    primary key (cell, meter_id, seq)
);
create table usage_meters (
    cell     text not null,
    meter_id text not null,
    last_to  timestamptz not null,
    primary key (cell, meter_id)
);
-- Time a cell's usage was not measured (missing) or partly interpolated (estimated: its agent restarted).
create table usage_gaps (
    id        bigserial primary key,
    cell      text not null,
    from_time timestamptz not null,
    to_time   timestamptz not null,
    kind      text not null,
    detail    text not null
);
create index usage_gaps_time on usage_gaps (to_time);

-- Each instance's use per hour (a report spanning hours is split in proportion to time).
create table usage_hours (
    instance_uid       text not null,
    hour               timestamptz not null,
    tenant             text not null,
    instance           text not null,
    service            text not null,
    plan               text not null,
    cell               text not null,
    running_seconds    double precision not null default 0,
    cpu_seconds        double precision not null default 0,
    memory_gb_seconds  double precision not null default 0,
    requests           double precision not null default 0,
    bytes_in           double precision not null default 0,
    bytes_out          double precision not null default 0,
    storage_gb_seconds double precision not null default 0,
    primary key (instance_uid, hour, plan, cell)
);
create index usage_hours_tenant on usage_hours (tenant, hour);
create index usage_hours_hour on usage_hours (hour);

-- What capacity costs on a cell, and per-unit prices on top of a plan's hourly price.
create table cell_costs (
    cell                text primary key,
    per_core_hour       numeric not null,
    per_gb_hour_memory  numeric not null,
    per_gb_hour_storage numeric not null
);
create table unit_prices (
    service              text not null,
    plan                 text not null,
    per_million_requests numeric not null,
    per_gb_out           numeric not null,
    primary key (service, plan)
);
