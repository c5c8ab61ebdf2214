-- How far an instance on a plan may be scaled (null: the product-wide maxima).
alter table plans
    add column max_replicas   int,
    add column max_memory_mb  int,
    add column max_cpu_millis int;
