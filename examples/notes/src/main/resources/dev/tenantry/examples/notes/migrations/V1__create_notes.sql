-- notes 1.0.0: a tenant's notes.
create table notes (
    id         bigserial primary key,
    body       text not null,
    created_at timestamptz not null default now()
);
