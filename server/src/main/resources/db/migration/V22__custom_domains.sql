-- Custom domains a vendor points at instances, with the certificate it uploaded (PEM) and its key (envelope-encrypted
-- under the key-encryption key, like a secret).
create table custom_domains (
    domain       text primary key,
    instance_uid text not null,
    certificate  text not null,
    key          bytea not null,
    not_after    timestamptz not null,
    created_by   text not null,
    created_at   timestamptz not null
);
create index custom_domains_instance on custom_domains (instance_uid);
