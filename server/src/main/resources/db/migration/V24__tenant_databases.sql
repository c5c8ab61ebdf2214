-- PostgreSQL servers that hold tenant data, and each instance's database on one of them.
alter table plans add column database jsonb;

create table database_servers (
    name        text primary key,
    region      text not null,
    cell        text,
    host        text not null,
    port        int not null,
    admin_user  text not null,
    capacity    int not null,
    version     text,
    created_at  timestamptz not null default now()
);

create table instance_databases (
    instance_uid        text primary key references instances(uid),
    tenant              text not null,
    service             text not null,
    isolation           text not null,
    server              text references database_servers(name),
    database_name       text,
    schema_name         text,
    role_name           text not null,
    login_generation    int not null default 1,
    desired_release     text not null,
    applied_release     text,
    failed_release      text,
    migrations          jsonb not null default '[]',
    state               text not null,
    message             text,
    drop_requested      boolean not null default false,
    created_at          timestamptz not null default now(),
    updated_at          timestamptz not null default now(),
    reconcile_at        timestamptz,
    reconcile_requested boolean not null default false,
    reconcile_failures  int not null default 0,
    lease_owner         text,
    lease_until         timestamptz
);
create index instance_databases_due on instance_databases (reconcile_at) where reconcile_at is not null;
create index instance_databases_server on instance_databases (server);
