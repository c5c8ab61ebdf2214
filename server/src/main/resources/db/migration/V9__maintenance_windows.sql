-- A tenant's maintenance window (null: any time), and emergency rollouts that ignore windows.
alter table tenants add column maintenance_window jsonb;
alter table rollouts add column emergency boolean not null default false;
