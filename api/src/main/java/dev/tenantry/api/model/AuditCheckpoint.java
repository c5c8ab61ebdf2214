package dev.tenantry.api.model;

import java.time.Instant;

/**
 * A signed checkpoint of the audit chain: record {@code seq} had {@code hash} (hex) at {@code time}. {@code signature}
 * (base64) is an Ed25519 signature of the lines {@code tenantry-audit-checkpoint-v1}, seq, hash, time and previousSeq
 * joined by newlines, verifiable with the key of {@code GET /v1/audit/checkpoint-key}.
 */
public record AuditCheckpoint(long seq, String hash, Instant time, long previousSeq, String signature) {}
