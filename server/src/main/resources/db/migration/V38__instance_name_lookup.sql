-- An instance is looked up by tenant and name whatever its phase (the live one first, else the last deleted): the
-- unique index covers live instances only, so every lookup read the whole table (found at 28,000 instances, when
-- each create's lookup was what PostgreSQL's sessions were busy with most).
create index instances_tenant_name on instances (tenant, name, updated_at desc);
