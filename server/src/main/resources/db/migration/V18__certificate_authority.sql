-- The internal certificate authority: its certificate (PEM) and its private key (PKCS#8, envelope-encrypted under the
-- key-encryption key). One row; the first server replica to start makes it.
create table certificate_authority (
    id          smallint primary key default 1 check (id = 1),
    certificate text not null,
    key         bytea not null,
    created     timestamptz not null default now()
);
