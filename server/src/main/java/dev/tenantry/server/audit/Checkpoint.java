package dev.tenantry.server.audit;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * A signed statement that the audit chain's record {@code seq} had hash {@code hash} at {@code time}; it names the
 * checkpoint before it ({@code previousSeq}, 0 for the first) so that a deleted checkpoint shows.
 */
public record Checkpoint(long seq, byte[] hash, Instant time, long previousSeq, byte[] signature) {
    /** The bytes that are signed: {@code tenantry-audit-checkpoint-v1}, seq, hash (hex), time and previous seq, one per line. */
    public byte[] statement() {
        return statement(seq, hash, time, previousSeq);
    }

    public static byte[] statement(long seq, byte[] hash, Instant time, long previousSeq) {
        return ("tenantry-audit-checkpoint-v1\n" + seq + "\n" + AuditChain.hex(hash) + "\n" + time + "\n" + previousSeq)
                .getBytes(StandardCharsets.UTF_8);
    }
}
