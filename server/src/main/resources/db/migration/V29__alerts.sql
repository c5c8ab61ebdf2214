-- Alerts the built-in rules raised: at most one firing per rule and subject; resolved ones are kept as history.
create table alerts (
    id          text primary key,
    rule        text not null,
    subject     text not null,
    tenant      text,
    target      text not null,
    state       text not null,
    message     text not null,
    figures     jsonb not null,
    since       timestamptz not null,
    resolved_at timestamptz
);
create unique index alerts_firing on alerts (rule, subject) where state = 'firing';
create index alerts_tenant on alerts (tenant, since desc);

-- Changes to the rules' defaults: scope 'provider', 'plan:<service>/<plan>' or 'tenant:<id>'.
create table alert_overrides (
    scope     text not null,
    rule      text not null,
    tenant    text,
    service   text,
    plan      text,
    enabled   boolean,
    threshold double precision,
    primary key (scope, rule)
);

-- Instances' counters about once a minute, for the rules' windows (error rate, p99, restarts); kept a quarter of an hour.
create table instance_samples (
    instance_uid    text not null,
    at              timestamptz not null,
    release         text,
    counting_since  timestamptz,
    requests        bigint not null,
    errors          bigint not null,
    latency_buckets jsonb not null,
    restarts        int not null,
    primary key (instance_uid, at)
);

-- Instances re-placed away from a cell (its agent was silent): the cell's next desired state after its revision at the
-- time names them as removed, so that its agent stops them when it comes back.
create table cell_departures (
    cell         text not null,
    instance_uid text not null,
    revision     bigint not null,
    primary key (cell, instance_uid)
);
