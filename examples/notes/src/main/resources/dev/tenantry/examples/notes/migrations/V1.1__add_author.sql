-- notes 1.1.0 (expand): a note may have an author. Nullable, so that release 1.0.0, which does not know the
-- column, keeps working on this schema (a rollback needs no down-migration). A later release could make it
-- required once no 1.0.0 is left (contract).
alter table notes add column author text;
