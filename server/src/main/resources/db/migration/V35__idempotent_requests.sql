-- Idempotency-Key of every other POST: the first answer is kept and replayed to a retry with the same key.
alter table idempotency_keys add column response_status int;
alter table idempotency_keys add column response_headers jsonb;
alter table idempotency_keys add column response_body text;
