package dev.tenantry.api.model;

import java.time.Instant;

/**
 * An audit record with its place in the hash chain, as exported (one JSON object per line): {@code previousHash} and
 * {@code hash} are hex SHA-256 values computed as docs/security.md describes, so a verifier outside Tenantry can
 * recompute the chain.
 */
public record ChainedAuditEntry(long seq, long id, Instant time, String actor, String action, String target, String tenant,
                                String result, String detail, String previousHash, String hash) {}
