-- A dedicated PostgreSQL server: one tenant instance's own, run by the agent of its cell as a deployment of its own
-- (listed in the cell's desired state beside the instances), registered as a database server of capacity one.
alter table database_servers add column dedicated_to text;
alter table database_servers add column deployment jsonb;
alter table database_servers add column removing boolean not null default false;
alter table database_servers add column published_revision bigint not null default 0;
alter table database_servers add column observed jsonb;
alter table database_servers add column agent_revision bigint not null default 0;
create unique index database_servers_dedicated on database_servers (dedicated_to) where dedicated_to is not null;
create index database_servers_cell_deployments on database_servers (cell) where deployment is not null;
-- where the control plane reaches a cell's dedicated servers (null: the cell host's loopback, where it runs itself)
alter table cells add column database_address text;
