-- Each instance's logical database backups (encrypted, in the backup store), and restores waiting to be loaded.
create table database_backups (
    id                  text primary key,
    instance_uid        text not null references instances(uid),
    tenant              text not null,
    instance_name       text not null,
    trigger             text not null,
    state               text not null,
    release             text,
    migration_version   text,
    tables              int,
    rows                bigint,
    size_bytes          bigint,
    wrapped_key         bytea,
    message             text,
    operation           text,
    created_by          text not null,
    created_at          timestamptz not null default now(),
    finished_at         timestamptz,
    reconcile_at        timestamptz,
    reconcile_requested boolean not null default false,
    reconcile_failures  int not null default 0,
    lease_owner         text,
    lease_until         timestamptz
);
create index database_backups_instance on database_backups (instance_uid, created_at desc);
create index database_backups_due on database_backups (reconcile_at) where reconcile_at is not null;

create table database_restores (
    instance_uid  text primary key references instances(uid),
    backup_id     text not null references database_backups(id),
    error         text,
    requested_at  timestamptz not null default now()
);
