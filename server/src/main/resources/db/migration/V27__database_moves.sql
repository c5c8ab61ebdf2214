-- Moving an instance's database to another isolation model: where to (while it moves), where from (until the old
-- location is cleaned up), and the model a move to failed (not tried again until the plan changes).
alter table instance_databases add column move_to jsonb;
alter table instance_databases add column moved_from jsonb;
alter table instance_databases add column move_failed_to text;
alter table instance_databases add column cleanup_requested boolean not null default false;
