-- An instance's reconcile schedule and lease in a narrow row of their own: a claim and a release each wrote a new
-- version of the whole instance row (its spec, status, observation and deployment, kilobytes of JSON) into the WAL;
-- now they write a few dozen bytes. The instance row changes only when the instance does.
create table instance_leases (
    uid                 text primary key references instances (uid) on delete cascade,
    reconcile_at        timestamptz,
    reconcile_requested boolean not null default false,
    lease_owner         text,
    lease_until         timestamptz,
    reconcile_failures  int not null default 0
);
insert into instance_leases (uid, reconcile_at, reconcile_requested, lease_owner, lease_until, reconcile_failures)
    select uid, reconcile_at, reconcile_requested, lease_owner, lease_until, reconcile_failures from instances;
create index instance_leases_due on instance_leases (reconcile_at) where reconcile_at is not null;
alter table instances drop column reconcile_at, drop column reconcile_requested, drop column lease_owner, drop column lease_until,
    drop column reconcile_failures;
