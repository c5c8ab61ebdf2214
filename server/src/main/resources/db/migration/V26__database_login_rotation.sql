-- Credential rotation: login generations below this one are dropped (after the workload moved to the current one).
alter table instance_databases add column logins_retired_below int not null default 1;
-- Set when the workload runs with the current login only: the workers then drop the older ones.
alter table instance_databases add column retire_logins boolean not null default false;
