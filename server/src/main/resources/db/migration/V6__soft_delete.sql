-- A deleted instance keeps its data for its plan's retention (null: 7 days) and is purged at purge_at.
alter table plans add column retention_seconds int;
alter table instances add column purge_at timestamptz;
create index instances_purge_due on instances (purge_at) where phase = 'DELETED';

-- Deleted, purging and purged instances all leave their name free for a new instance.
drop index instances_live_name;
create unique index instances_live_name on instances (tenant, name) where phase not in ('DELETED', 'PURGING', 'PURGED');
