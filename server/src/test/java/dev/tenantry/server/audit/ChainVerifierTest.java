package dev.tenantry.server.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.api.model.AuditVerification;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the verifier concludes from a chain and its checkpoints, without a database: one tampering at a time. */
class ChainVerifierTest {
    private static final KeyPair KEYS = ed25519();
    private static final Instant T0 = Instant.parse("2026-12-02T10:00:00.123456Z");

    @Test
    void anIntactChainWithItsCheckpointsVerifies() {
        List<ChainedRecord> chain = chain(10);
        AuditVerification v = verify(chain, List.of(checkpoint(chain, 4, 0), checkpoint(chain, 8, 4)));
        assertThat(v.ok()).as(v.problems().toString()).isTrue();
        assertThat(v.records()).isEqualTo(10);
        assertThat(v.checkpoints()).isEqualTo(2);
        assertThat(v.head().seq()).isEqualTo(10);
        assertThat(v.lastCheckpoint().seq()).isEqualTo(8);
        assertThat(v.unanchored()).isEqualTo(2);
    }

    @Test
    void anEmptyChainVerifies() {
        AuditVerification v = verify(List.of(), List.of());
        assertThat(v.ok()).isTrue();
        assertThat(v.head()).isNull();
    }

    @Test
    void aChangedFieldIsNamedAsChanged() {
        List<ChainedRecord> chain = chain(6);
        chain.set(2, withDetail(chain.get(2), "edited", false));
        assertThat(kinds(verify(chain, List.of()))).containsExactly("changed@3");
    }

    @Test
    void missingRecordsAreNamedAsDeleted() {
        List<ChainedRecord> chain = chain(8);
        chain.remove(4);
        chain.remove(4);
        AuditVerification v = verify(chain, List.of());
        assertThat(kinds(v)).containsExactly("deleted@5");
        assertThat(v.problems().getFirst().message()).isEqualTo("records 5 to 6 are missing");
    }

    @Test
    void aRecordReplacedByOneLinkedToItsPredecessorIsNamed() {
        List<ChainedRecord> chain = chain(6);
        chain.set(3, withDetail(chain.get(3), "replaced", true));
        assertThat(kinds(verify(chain, List.of()))).containsExactly("inserted@4");
    }

    @Test
    void aRecordWhoseLinkPointsNowhereIsNamedRatherThanTheOneBeforeIt() {
        List<ChainedRecord> chain = chain(6);
        ChainedRecord r = chain.get(3);
        byte[] elsewhere = new byte[AuditChain.HASH_BYTES];
        elsewhere[0] = 7;
        chain.set(3, new ChainedRecord(r.id(), true, r.fields(), elsewhere, AuditChain.hash(elsewhere, r.fields())));
        assertThat(kinds(verify(chain, List.of()))).containsExactly("inserted@4");
    }

    @Test
    void aRecordOutsideTheChainIsNamedByItsId() {
        List<ChainedRecord> chain = chain(3);
        chain.add(new ChainedRecord(99, false, fields(0, "forged"), null, null));
        assertThat(kinds(verify(chain, List.of()))).containsExactly("inserted#99");
    }

    @Test
    void aChainRecomputedAfterACheckpointIsNamedAtTheCheckpoint() {
        List<ChainedRecord> chain = chain(8);
        List<Checkpoint> checkpoints = List.of(checkpoint(chain, 6, 0));
        List<ChainedRecord> rewritten = new ArrayList<>(chain.subList(0, 2));
        byte[] previous = rewritten.getLast().hash();
        for (ChainedRecord r : chain.subList(2, 8)) {
            AuditFields f = r.seq() == 3 ? fields(3, "edited") : r.fields();
            byte[] hash = AuditChain.hash(previous, f);
            rewritten.add(new ChainedRecord(r.id(), true, f, previous, hash));
            previous = hash;
        }
        assertThat(kinds(verify(rewritten, checkpoints))).containsExactly("rewritten@6");
    }

    @Test
    void aTailCutAfterACheckpointIsNamedAsTruncated() {
        List<ChainedRecord> chain = chain(8);
        List<Checkpoint> checkpoints = List.of(checkpoint(chain, 7, 0));
        assertThat(kinds(verify(chain.subList(0, 5), checkpoints))).containsExactly("truncated@6");
    }

    @Test
    void forgedAndDeletedCheckpointsAreNamed() {
        List<ChainedRecord> chain = chain(9);
        Checkpoint forged = checkpoint(chain, 6, 3);
        forged = new Checkpoint(forged.seq(), forged.hash(), forged.time(), forged.previousSeq(), new byte[64]);
        assertThat(kinds(verify(chain, List.of(checkpoint(chain, 3, 0), forged))))
                .containsExactly("checkpoint-forged@6");
        assertThat(kinds(verify(chain, List.of(checkpoint(chain, 6, 3), checkpoint(chain, 9, 6)))))
                .containsExactly("checkpoint-deleted@3");
    }

    @Test
    void aSegmentFromACheckpointIsCheckedAgainstItsAnchor() {
        List<ChainedRecord> chain = chain(8);
        Checkpoint anchor = checkpoint(chain, 4, 0);
        ChainVerifier intact = new ChainVerifier(ChainVerifierTest::signed, List.<Checkpoint>of().iterator(), anchor);
        chain.subList(3, 8).forEach(intact::accept);
        assertThat(intact.finish().ok()).isTrue();

        chain.set(5, withDetail(chain.get(5), "edited", false));
        ChainVerifier broken = new ChainVerifier(ChainVerifierTest::signed, List.<Checkpoint>of().iterator(), anchor);
        chain.subList(3, 8).forEach(broken::accept);
        assertThat(kinds(broken.finish())).containsExactly("changed@6");
    }

    @Test
    void theHashCoversEveryFieldAndTellsAMissingValueFromAnEmptyOne() {
        byte[] previous = AuditChain.genesis();
        AuditFields base = new AuditFields(1, T0, "admin", "POST /v1/tokens", "/v1/tokens", null, "success", "");
        assertThat(AuditChain.hash(previous, base)).isNotEqualTo(AuditChain.hash(previous,
                new AuditFields(1, T0, "admin", "POST /v1/tokens", "/v1/tokens", "", "success", "")));
        assertThat(AuditChain.hash(previous, base)).as("no field runs into the next").isNotEqualTo(AuditChain.hash(previous,
                new AuditFields(1, T0, "admin", "POST /v1/tokens/", "v1/tokens", null, "success", "")));
        assertThat(AuditChain.hex(AuditChain.hash(previous, base))).hasSize(64);
    }

    private static List<ChainedRecord> chain(int n) {
        List<ChainedRecord> chain = new ArrayList<>();
        byte[] previous = AuditChain.genesis();
        for (int seq = 1; seq <= n; seq++) {
            AuditFields f = fields(seq, "HTTP 201");
            byte[] hash = AuditChain.hash(previous, f);
            chain.add(new ChainedRecord(seq + 100, true, f, previous, hash));
            previous = hash;
        }
        return chain;
    }

    private static AuditFields fields(long seq, String detail) {
        return new AuditFields(seq, T0.plusSeconds(seq), "admin", "POST /v1/tokens", "/v1/tokens", seq % 2 == 0 ? "acme" : null, "success", detail);
    }

    /** The record with another detail: its hash left as it was, or recomputed onto the same previous hash. */
    private static ChainedRecord withDetail(ChainedRecord r, String detail, boolean rehash) {
        AuditFields f = fields(r.seq(), detail);
        return new ChainedRecord(r.id(), true, f, r.previousHash(), rehash ? AuditChain.hash(r.previousHash(), f) : r.hash());
    }

    private static Checkpoint checkpoint(List<ChainedRecord> chain, long seq, long previousSeq) {
        byte[] hash = chain.get((int) seq - 1).hash();
        Instant time = T0.plusSeconds(1000 + seq);
        try {
            Signature ed25519 = Signature.getInstance("Ed25519");
            ed25519.initSign(KEYS.getPrivate());
            ed25519.update(Checkpoint.statement(seq, hash, time, previousSeq));
            return new Checkpoint(seq, hash, time, previousSeq, ed25519.sign());
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    private static boolean signed(Checkpoint c) {
        try {
            Signature ed25519 = Signature.getInstance("Ed25519");
            ed25519.initVerify(KEYS.getPublic());
            ed25519.update(c.statement());
            return ed25519.verify(c.signature());
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static AuditVerification verify(List<ChainedRecord> records, List<Checkpoint> checkpoints) {
        ChainVerifier verifier = new ChainVerifier(ChainVerifierTest::signed, checkpoints.iterator());
        records.forEach(verifier::accept);
        return verifier.finish();
    }

    private static List<String> kinds(AuditVerification v) {
        return v.problems().stream().map(p -> p.kind() + (p.seq() != null ? "@" + p.seq() : "#" + p.id())).toList();
    }

    private static KeyPair ed25519() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }
}
