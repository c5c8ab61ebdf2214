-- The audit trail becomes a hash chain (seq, prev_hash, hash) with signed checkpoints; the server chains the records
-- written before this migration when it starts (AuditRepository.chainRecordsFromBefore).
alter table audit add column seq bigint, add column prev_hash bytea, add column hash bytea;
create unique index audit_seq on audit (seq);

create table audit_checkpoints (
    seq          bigint primary key,
    hash         bytea not null,
    time         timestamptz not null,
    previous_seq bigint not null,
    signature    bytea not null
);

-- Keys the control plane made for itself (the audit checkpoint signing key, later the certificate authority's key),
-- each a Tink keyset encrypted with the key-encryption key, with its name as associated data.
create table server_keys (
    name    text primary key,
    created timestamptz not null default now(),
    keyset  text not null
);
