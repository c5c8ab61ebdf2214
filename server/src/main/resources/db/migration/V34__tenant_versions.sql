-- A tenant's version grows with every change of its row: its ETag, checked by If-Match.
alter table tenants add column version bigint not null default 1;
