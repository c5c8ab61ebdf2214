-- Events are read in the order of the transactions that wrote them (tx, then id), and only once every transaction
-- that could still add an event before them has ended (tx below the reader's snapshot xmin): no lock orders the
-- writers. Events written before this migration share its transaction id, and keep their id order.
alter table events add column tx xid8 not null default pg_current_xact_id();
create index events_order on events (tx, id);
