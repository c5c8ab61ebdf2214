-- Instances, their leases and operations are updated several times each soon after they are inserted (an instance's
-- row four times on its way to RUNNING: placement, the agent's two reports, RUNNING). Pages filled to the brim leave
-- no room for the new row version beside the old one, so every update moved the row to another page and added an
-- entry to each of the table's indexes. Room left on each page lets an update that changes no indexed column (a
-- report's observation, a lease's owner, an operation's steps) stay on its page, with no index entries (a HOT
-- update). It applies to the pages written from now on.
alter table instances set (fillfactor = 70);
alter table instance_leases set (fillfactor = 70);
alter table operations set (fillfactor = 80);
