-- Certificates the internal CA issued to cells for their instances' host names (never a key: keys stay on the cell).
create table certificates (
    serial       text primary key,
    cell         text not null,
    host         text not null,
    instance_uid text not null,
    not_before   timestamptz not null,
    not_after    timestamptz not null,
    issued_at    timestamptz not null
);
create index certificates_host on certificates (host, not_after desc);
