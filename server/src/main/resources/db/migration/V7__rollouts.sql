-- Fleet upgrades: a rollout and the instances it selected, each with its wave and upgrade state.
create table rollouts (
    id                  text primary key,
    service             text not null references services (name),
    release             text not null,
    selector            jsonb not null,
    strategy            jsonb not null,
    state               text not null,
    current_wave        int not null default 0,
    wave_count          int not null,
    bake_until          timestamptz,
    reason              text,
    created_by          text not null,
    reconcile_at        timestamptz,
    reconcile_requested boolean not null default false,
    lease_owner         text,
    lease_until         timestamptz,
    created_at          timestamptz not null default now(),
    updated_at          timestamptz not null default now()
);
create index rollouts_due on rollouts (reconcile_at) where reconcile_at is not null;

create table rollout_instances (
    rollout_id   text not null references rollouts (id) on delete cascade,
    instance_uid text not null references instances (uid),
    tenant       text not null,
    name         text not null,
    wave         int not null,
    seq          int not null,
    from_release text not null,
    to_release   text not null,
    state        text not null,
    operation    text,
    started_at   timestamptz,
    ended_at     timestamptz,
    reason       text,
    primary key (rollout_id, instance_uid)
);
create index rollout_instances_instance on rollout_instances (instance_uid);
