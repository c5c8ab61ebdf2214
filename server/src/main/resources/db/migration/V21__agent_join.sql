-- One-time join tokens an admin makes for a cell (only their hash is kept), and when each cell's agents were cut off:
-- a client certificate of the cell issued before that time is refused.
create table join_tokens (
    id         text primary key,
    cell       text not null,
    hash       text not null unique,
    created_by text not null,
    created_at timestamptz not null,
    expires_at timestamptz not null,
    used_at    timestamptz
);

create table cell_revocations (
    cell       text primary key,
    revoked_at timestamptz not null
);
