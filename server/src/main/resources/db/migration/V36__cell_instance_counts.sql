-- Each cell's count of live instances (placed on it, not deleted, purging or purged), kept by a trigger, so that
-- placement and the cell list read one row per cell instead of counting the fleet's instances every time.
alter table cells add column live_instances integer not null default 0;

update cells c set live_instances = (select count(*) from instances i
    where i.cell = c.id and i.phase not in ('DELETED', 'PURGING', 'PURGED'));

create function count_live_instances() returns trigger language plpgsql as $$
declare
    old_cell text;
    new_cell text;
begin
    if tg_op in ('UPDATE', 'DELETE') and old.cell is not null and old.phase not in ('DELETED', 'PURGING', 'PURGED') then
        old_cell := old.cell;
    end if;
    if tg_op in ('INSERT', 'UPDATE') and new.cell is not null and new.phase not in ('DELETED', 'PURGING', 'PURGED') then
        new_cell := new.cell;
    end if;
    if old_cell is distinct from new_cell then
        if old_cell is not null then
            update cells set live_instances = live_instances - 1 where id = old_cell;
        end if;
        if new_cell is not null then
            update cells set live_instances = live_instances + 1 where id = new_cell;
        end if;
    end if;
    return null;
end $$;

create trigger instances_count_live after insert or delete or update of cell, phase on instances
    for each row execute function count_live_instances();

-- An agent's long poll reads what was published on its cell after its revision: found by index, not by reading the
-- cell's every instance.
create index instances_cell_revision on instances (cell, published_revision);
