-- Idempotency-Key of creates: a retried create with the same key (same caller, same tenant) returns
-- what the first one created. Written in the create's own transaction.
create table idempotency_keys (
    scope        text not null,
    key          text not null,
    request_hash text not null,
    instance_uid text,
    operation_id text,
    created_at   timestamptz not null default now(),
    primary key (scope, key)
);
