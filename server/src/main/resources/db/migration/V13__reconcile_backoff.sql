-- failed reconcile passes in a row: the next pass waits exponentially longer (ReconcileBackoff)
alter table instances add column reconcile_failures int not null default 0;
alter table rollouts add column reconcile_failures int not null default 0;
