-- Audit records of a transaction are written here, with it, without a lock; one writer at a time moves them into the
-- hash chain (under the chain's append lock, in batches). Chaining in every transaction held that lock from the inserts
-- through the commit's WAL flush, so every audited transaction of the cluster committed one after another.
create table audit_pending (
    id     bigserial primary key,
    time   timestamptz not null,
    actor  text not null,
    action text not null,
    target text not null,
    tenant text,
    result text not null,
    detail text
);
