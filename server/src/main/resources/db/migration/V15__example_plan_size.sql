-- Sizes are now limits the kernel enforces (cgroups). The example service's plan 'starter' was sized 48 MiB and
-- 100 millicores, too small for the example's JVM: give dev-mode homes made before the size it now gets, and have
-- its instances rendered and rolled once with it. Only that exact example plan is touched.
update plans set memory_mb = 128, cpu_millis = 1000, max_memory_mb = 512, max_cpu_millis = 2000
 where service = 'hello' and name = 'starter'
   and memory_mb = 48 and cpu_millis = 100 and max_memory_mb = 256 and max_cpu_millis = 1000;

update instances set deployment = jsonb_set(deployment, '{generation}', '0'::jsonb), reconcile_at = now()
 where spec->>'service' = 'hello' and spec->>'plan' = 'starter' and deployment is not null
   and phase not in ('DELETED', 'PURGING', 'PURGED')
   and exists (select 1 from plans p where p.service = 'hello' and p.name = 'starter' and p.memory_mb = 128 and p.cpu_millis = 1000);
