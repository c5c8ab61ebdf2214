-- The lookup by tenant and name (V38) without updated_at: every save of an instance sets updated_at, so with it in an
-- index no update of an instance could be a heap-only (HOT) update, and each wrote an entry into every index of the
-- table. A name has a handful of rows at most (the live one, deleted ones): they are sorted after the index finds them.
drop index instances_tenant_name;
create index instances_tenant_name on instances (tenant, name);
