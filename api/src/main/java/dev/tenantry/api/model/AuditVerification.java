package dev.tenantry.api.model;

import java.time.Instant;
import java.util.List;

/**
 * The result of checking the audit chain and its signed checkpoints. {@code problems} lists what was found in chain
 * order (records outside the chain last), at most {@link #MAX_PROBLEMS}; {@code unanchored} counts the records after
 * the last checkpoint, which only the chain protects until the next checkpoint signs them.
 */
public record AuditVerification(boolean ok, long records, Link head, long checkpoints, Link lastCheckpoint, long unanchored,
                                List<Problem> problems) {
    public static final int MAX_PROBLEMS = 100;

    /** A position in the chain: a record's seq and hash (hex), and for a checkpoint when it was signed. */
    public record Link(long seq, String hash, Instant time) {}

    /**
     * One finding. {@code kind}: changed (the record's content no longer matches its hash), deleted (records missing
     * from the chain), inserted (a record that is not the one its successor was chained to, or one outside the chain),
     * rewritten (the chain was recomputed after a checkpoint signed it), truncated (records after a checkpoint are
     * gone), checkpoint-forged (a signature that does not verify), checkpoint-deleted (a gap between checkpoints).
     */
    public record Problem(String kind, Long seq, Long id, String message) {}
}
