-- Clients' requests for replicas' logs and the chunks on their way to them, shared by the server replicas: the client
-- waits on the replica it reached, while the agent's long poll and posts may reach any other.
create table log_requests (
    id text primary key,
    cell text not null,
    request jsonb not null,
    taken boolean not null default false,
    created_at timestamptz not null default now()
);
create index log_requests_by_cell on log_requests (cell, taken);

create table log_chunks (
    request_id text not null references log_requests (id) on delete cascade,
    seq bigint generated always as identity,
    bytes bytea not null,
    last boolean not null,
    primary key (request_id, seq)
);
