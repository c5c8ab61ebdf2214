-- When the work of a request with an Idempotency-Key committed: set in the transaction that did it, so that a retry after
-- a server died before keeping the answer learns that it was carried out instead of carrying it out again.
alter table idempotency_keys add column done_at timestamptz;
