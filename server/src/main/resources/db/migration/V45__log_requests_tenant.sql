-- The tenant whose instance's log is asked for: a tenant holds at most a share of a cell's log requests.
alter table log_requests add column tenant text;
create index log_requests_by_cell_tenant on log_requests (cell, tenant);
