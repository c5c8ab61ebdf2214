-- notes 1.2.0 (contract): every note has an author. Old notes get 'anonymous'; from here on a note without an author
-- is refused, so release 1.0.0, which writes none, can no longer add notes: roll out 1.2.0 only once no instance
-- runs 1.0.0, and do not roll back past 1.1.0 after it (1.1.0 writes authors, and runs on this schema).
update notes set author = 'anonymous' where author is null;
alter table notes alter column author set not null;
