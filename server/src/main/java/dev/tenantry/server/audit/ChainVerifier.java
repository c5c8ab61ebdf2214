package dev.tenantry.server.audit;

import dev.tenantry.api.model.AuditVerification;
import dev.tenantry.api.model.AuditVerification.Link;
import dev.tenantry.api.model.AuditVerification.Problem;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Checks the audit chain record by record, in seq order, against the signed checkpoints (also in seq order), without
 * holding the chain in memory; records outside the chain are given after the chained ones. Decides only: reading the
 * rows and checking signatures are its caller's.
 *
 * <p>A broken link between two records does not say which of them is out of place; the record after them does: if it
 * is chained to the second, the first was replaced or inserted, otherwise the second was.
 */
public final class ChainVerifier {
    /** Whether a checkpoint carries a valid signature of this control plane. */
    public interface Signatures {
        boolean valid(Checkpoint checkpoint);
    }

    private final Signatures signatures;
    private final Iterator<Checkpoint> checkpoints;
    private final List<Problem> problems = new ArrayList<>();
    private final Set<Long> namedSeqs = new HashSet<>();
    private Checkpoint nextCheckpoint;
    private Checkpoint lastCheckpoint;
    private long checkpointCount;
    private long records;
    private long expectedSeq = 1;
    private ChainedRecord last;
    private ChainedRecord brokenLinkFrom;
    private ChainedRecord brokenLinkTo;

    private final Checkpoint anchor;

    /** A verifier of the whole chain, from its first record. */
    public ChainVerifier(Signatures signatures, Iterator<Checkpoint> checkpointsBySeq) {
        this(signatures, checkpointsBySeq, null);
    }

    /**
     * A verifier of the chain from a checkpoint on ({@code anchor}, already verified; null: from the first record): the
     * records from the anchor's seq and the checkpoints after it. The anchor's record must still have the signed hash;
     * its own link was checked when the anchor was written.
     */
    public ChainVerifier(Signatures signatures, Iterator<Checkpoint> checkpointsBySeq, Checkpoint anchor) {
        this.signatures = signatures;
        this.checkpoints = checkpointsBySeq;
        this.nextCheckpoint = checkpoints.hasNext() ? checkpoints.next() : null;
        this.anchor = anchor;
        if (anchor != null) {
            this.expectedSeq = anchor.seq();
            this.lastCheckpoint = anchor;
        }
    }

    public void accept(ChainedRecord r) {
        records++;
        if (!r.chained()) {
            add("inserted", null, r.id(), "record " + r.id() + " is not in the chain: it was written into the table directly");
            return;
        }
        while (nextCheckpoint != null && nextCheckpoint.seq() < r.seq()) check(takeCheckpoint(), null);
        if (r.seq() < expectedSeq) {
            add("inserted", r.seq(), r.id(), "record " + r.id() + " repeats seq " + r.seq() + " of the chain");
            return;
        }
        boolean gap = r.seq() > expectedSeq;
        if (gap) {
            add("deleted", expectedSeq, null, r.seq() - expectedSeq == 1 ? "record " + expectedSeq + " is missing"
                    : "records " + expectedSeq + " to " + (r.seq() - 1) + " are missing");
        }
        decideBrokenLink(gap ? null : r);
        boolean anchored = anchor != null && r.seq() == anchor.seq();
        if (!Arrays.equals(AuditChain.hash(r.previousHash(), r.fields()), r.hash())) {
            add("changed", r.seq(), r.id(), "record " + r.seq() + " no longer matches its hash: its content was changed");
        } else if (anchored) {
            if (!Arrays.equals(r.hash(), anchor.hash())) {
                add("rewritten", r.seq(), r.id(), "record " + r.seq() + " was rewritten after the checkpoint of " + anchor.time() + " signed it");
            }
        } else if (!gap && !Arrays.equals(r.previousHash(), last == null ? AuditChain.genesis() : last.hash())) {
            brokenLinkFrom = last;
            brokenLinkTo = r;
        }
        while (nextCheckpoint != null && nextCheckpoint.seq() == r.seq()) check(takeCheckpoint(), r);
        last = r;
        expectedSeq = r.seq() + 1;
    }

    public AuditVerification finish() {
        decideBrokenLink(null);
        boolean truncationNamed = false;
        while (nextCheckpoint != null) {
            Checkpoint c = takeCheckpoint();
            if (!truncationNamed && (last == null || c.seq() > last.seq())) {
                long from = last == null ? expectedSeq : last.seq() + 1;
                add("truncated", from, null, "records from " + from + " on are missing: the checkpoint of " + c.time()
                        + " signed the chain up to record " + c.seq());
                truncationNamed = true;
            }
            check(c, null);
        }
        Link head = last == null ? null : new Link(last.seq(), AuditChain.hex(last.hash()), last.fields().time());
        Link anchored = lastCheckpoint == null ? null : new Link(lastCheckpoint.seq(), AuditChain.hex(lastCheckpoint.hash()), lastCheckpoint.time());
        long unanchored = last == null ? 0 : Math.max(0, last.seq() - (lastCheckpoint == null ? 0 : lastCheckpoint.seq()));
        return new AuditVerification(problems.isEmpty(), records, head, checkpointCount, anchored, unanchored, List.copyOf(problems));
    }

    /** The record after a broken link ({@code next}, null at the end of the chain or after a gap) tells which side is out of place. */
    private void decideBrokenLink(ChainedRecord next) {
        if (brokenLinkTo == null) return;
        ChainedRecord to = brokenLinkTo;
        ChainedRecord from = brokenLinkFrom;
        brokenLinkFrom = brokenLinkTo = null;
        if (next != null && from != null && Arrays.equals(next.previousHash(), to.hash())) {
            add("inserted", from.seq(), from.id(), "record " + from.seq() + " is not the record that record " + to.seq()
                    + " was chained to: it was replaced or inserted");
        } else {
            add("inserted", to.seq(), to.id(), "record " + to.seq() + " is chained to a record other than "
                    + (from == null ? "the start of the chain" : "record " + from.seq()) + ": it was replaced or inserted");
        }
    }

    private Checkpoint takeCheckpoint() {
        Checkpoint c = nextCheckpoint;
        nextCheckpoint = checkpoints.hasNext() ? checkpoints.next() : null;
        return c;
    }

    private void check(Checkpoint c, ChainedRecord row) {
        checkpointCount++;
        if (!signatures.valid(c)) {
            add("checkpoint-forged", c.seq(), null, "the checkpoint of record " + c.seq() + " does not carry a valid signature");
            return;
        }
        long previous = lastCheckpoint == null ? 0 : lastCheckpoint.seq();
        if (c.previousSeq() != previous) {
            add("checkpoint-deleted", c.previousSeq(), null, "the checkpoint of record " + c.previousSeq()
                    + " that the checkpoint of record " + c.seq() + " follows is missing");
        }
        if (row != null && !Arrays.equals(row.hash(), c.hash()) && !namedSeqs.contains(row.seq())) {
            add("rewritten", c.seq(), row.id(), "records " + (previous + 1) + " to " + c.seq() + " were rewritten after the checkpoint of "
                    + c.time() + " signed them");
        }
        lastCheckpoint = c;
    }

    private void add(String kind, Long seq, Long id, String message) {
        boolean aboutRecord = !kind.startsWith("checkpoint-");
        if (aboutRecord && seq != null && !namedSeqs.add(seq)) return;
        if (problems.size() < AuditVerification.MAX_PROBLEMS) problems.add(new Problem(kind, seq, id, message));
    }
}
