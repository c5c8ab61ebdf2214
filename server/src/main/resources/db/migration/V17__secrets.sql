-- Secret values, one row per version, envelope-encrypted (SecretBox); a retired version keeps its row (the history)
-- without its value. scope: 'service:<name>' or 'tenant:<id>' (set by the vendor), 'instance:<uid>' (an instance's own).
create table secrets (
    scope      text not null,
    name       text not null,
    version    int not null,
    created    timestamptz not null default now(),
    created_by text not null,
    retired    timestamptz,
    value      bytea,
    primary key (scope, name, version),
    check ((retired is null) = (value is not null))
);
create index secrets_current on secrets (scope, name) where retired is null;
