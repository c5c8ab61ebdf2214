package dev.tenantry.server.domain;

import dev.tenantry.api.model.AuditCheckpoint;
import dev.tenantry.api.model.AuditEntry;
import dev.tenantry.api.model.AuditVerification;
import dev.tenantry.api.model.ChainedAuditEntry;
import dev.tenantry.api.model.Page;
import dev.tenantry.server.audit.AuditChain;
import dev.tenantry.server.audit.ChainVerifier;
import dev.tenantry.server.audit.ChainedRecord;
import dev.tenantry.server.audit.Checkpoint;
import dev.tenantry.server.keys.AuditSigningKey;
import dev.tenantry.server.store.AuditRepository.Head;
import dev.tenantry.server.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail: every mutating API call and every system action, in a hash chain whose head is signed at
 * intervals ({@link #checkpoint}); {@link #verify} checks both.
 */
public final class AuditService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AuditService.class);
    /** Records read per query while verifying or exporting. */
    static final int PAGE = 1000;
    private final Store store;
    private final AuditSigningKey signingKey;
    private final Clock clock;
    private final AuditBatches batches;

    public AuditService(Store store, AuditSigningKey signingKey, Clock clock) {
        this.store = store;
        this.signingKey = signingKey;
        this.clock = clock;
        this.batches = new AuditBatches(this::write);
        store.onAuditRecordsWritten(batches::poke);
    }

    /**
     * Records an API call after the call's own transaction and returns once the record is committed: written with the
     * other calls' records waiting at that moment, in one transaction ({@link AuditBatches}). A database out of reach for
     * a moment (too busy to give a connection within its timeout) is tried again a few times, so that a burst does not
     * leave a change without its record.
     */
    public void record(Principal who, String action, String target, String tenant, String result, String detail) {
        batches.writeAndWait(new AuditBatches.Entry(who.actor(), action, target, tenant, result, detail));
    }

    /**
     * Chains the calls' records with those other transactions left to chain, in one transaction; then, while a whole
     * batch of the latter was chained, the rest in further ones. A sweep (no call, no poke) looks first whether any
     * record waits, so that an idle server does not take the chain's lock every second; a poke says some do.
     */
    private void write(AuditBatches.Batch written) {
        List<AuditBatches.Entry> batch = written.calls();
        if (batch.isEmpty() && !written.poked() && !store.read(tx -> tx.audit().hasPending())) return;
        int chained;
        for (int attempt = 1; ; attempt++) {
            try {
                chained = store.tx(tx -> {
                    batch.forEach(e -> tx.audit().record(e.actor(), e.action(), e.target(), e.tenant(), e.result(), e.detail()));
                    return tx.audit().chainPending(CHAIN_BATCH);
                });
                break;
            } catch (RuntimeException e) {
                if (attempt >= RECORD_ATTEMPTS || !Store.isUnavailable(e)) throw e;
                pause(Duration.ofMillis(250L * attempt));
            }
        }
        while (chained == CHAIN_BATCH) chained = store.tx(tx -> tx.audit().chainPending(CHAIN_BATCH));
    }

    /** Records left by other transactions chained in one transaction at most. */
    private static final int CHAIN_BATCH = 1000;

    /** Stops taking records of API calls (the server is stopping, its API closed). */
    @Override
    public void close() {
        batches.close();
    }

    private static final int RECORD_ATTEMPTS = 4;

    private static void pause(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing an audit record", e);
        }
    }

    public Page<AuditEntry> list(Principal who, String tenant, String cursor, int limit) {
        String scope = who.tenant() != null ? who.tenant() : tenant;
        if (tenant != null && !who.canSeeTenant(tenant)) return new Page<>(List.of(), null);
        long before = cursor == null ? 0 : Long.parseLong(cursor);
        if (before == 0) batches.chainNow(); // the first page shows every record committed so far
        List<AuditEntry> rows = store.read(tx -> tx.audit().list(scope, before, limit + 1));
        return Pages.of(rows, limit, e -> String.valueOf(e.id()));
    }

    /** Chains the records of a database from before the chain (once, on the first start after the upgrade). */
    public void chainRecordsFromBefore() {
        int chained = store.tx(tx -> tx.audit().chainRecordsFromBefore());
        if (chained > 0) log.info("Chained {} audit record(s) written before the audit trail was a hash chain", chained);
    }

    /**
     * Signs the chain's head when it moved since the last checkpoint, after checking the records since then; returns
     * the checkpoint written (empty: nothing new to sign). A chain found broken is not signed but reported: an
     * {@code audit.chain.broken} event, an error in the log, and a {@link ConflictException} naming the first problem.
     */
    public Optional<AuditCheckpoint> checkpoint() {
        batches.chainNow(); // signs every record committed so far
        Optional<Checkpoint> anchor = store.tx(tx -> tx.audit().lastCheckpoint());
        Head head = store.tx(tx -> tx.audit().readHead());
        long from = anchor.map(Checkpoint::seq).orElse(0L);
        if (head.seq() <= from) return Optional.empty();
        AuditVerification segment = verify(anchor.orElse(null), head.seq());
        if (!segment.ok()) {
            report(segment, "after record " + from + " is broken and was not signed");
            throw new ConflictException(null, "the audit chain is broken and was not signed: " + segment.problems().getFirst().message());
        }
        Instant time = clock.instant().truncatedTo(ChronoUnit.MICROS);
        Checkpoint checkpoint = new Checkpoint(head.seq(), head.hash(), time, from,
                signingKey.sign(Checkpoint.statement(head.seq(), head.hash(), time, from)));
        store.run(tx -> tx.audit().addCheckpoint(checkpoint));
        return Optional.of(view(checkpoint));
    }

    /** Checkpoints after seq {@code after}, oldest first. */
    public List<AuditCheckpoint> checkpoints(long after, int limit) {
        return store.tx(tx -> tx.audit().checkpointsAfter(after, Long.MAX_VALUE, limit)).stream().map(AuditService::view).toList();
    }

    private static AuditCheckpoint view(Checkpoint c) {
        return new AuditCheckpoint(c.seq(), AuditChain.hex(c.hash()), c.time(), c.previousSeq(),
                Base64.getEncoder().encodeToString(c.signature()));
    }

    /** {@link #verify()}, and when the chain is broken an error in the log and an {@code audit.chain.broken} event (the periodic check). */
    public AuditVerification verifyAndReport() {
        AuditVerification verification = verify();
        if (!verification.ok()) report(verification, "is broken");
        return verification;
    }

    private void report(AuditVerification broken, String what) {
        AuditVerification.Problem first = broken.problems().getFirst();
        log.error("The audit chain {}: {} ({} problem(s) in all)", what, first.message(), broken.problems().size());
        store.run(tx -> tx.events().append("audit.chain.broken", "audit", null, Map.of("problem", first, "problems", broken.problems().size())));
    }

    /** Checks the whole chain, its checkpoints' signatures and that the chain still has every record they signed. */
    public AuditVerification verify() {
        long upTo = store.tx(tx -> Math.max(tx.audit().readHead().seq(), tx.audit().lastCheckpoint().map(Checkpoint::seq).orElse(0L)));
        long first = store.tx(tx -> tx.audit().firstSeq());
        if (first <= 1) return verify(null, upTo);
        // retention removed the records before a checkpoint: the chain is checked from that checkpoint's signature on
        Optional<Checkpoint> anchor = store.tx(tx -> tx.audit().checkpointAt(first));
        if (anchor.isEmpty() || !signingKey.verifies(anchor.get().signature(), anchor.get().statement())) {
            return new AuditVerification(false, 0, null, 0, null, 0, List.of(new AuditVerification.Problem("deleted", first, null,
                    "the trail starts at record " + first + ", which no valid checkpoint signed: records before it were removed")));
        }
        return verify(anchor.get(), upTo);
    }

    private AuditVerification verify(Checkpoint anchor, long upTo) {
        long start = anchor == null ? 0 : anchor.seq();
        ChainVerifier verifier = new ChainVerifier((c) -> signingKey.verifies(c.signature(), c.statement()),
                new Paged<>(after -> store.tx(tx -> tx.audit().checkpointsAfter(after, upTo, PAGE)), Checkpoint::seq, start), anchor);
        new Paged<>(after -> store.tx(tx -> tx.audit().chainedAfter(after, upTo, PAGE)), ChainedRecord::seq,
                anchor == null ? 0 : anchor.seq() - 1).forEachRemaining(verifier::accept);
        if (anchor == null) {
            new Paged<>(after -> store.tx(tx -> tx.audit().unchainedAfter(after, PAGE)), ChainedRecord::id, 0)
                    .forEachRemaining(verifier::accept);
        }
        return verifier.finish();
    }

    /** The public key that verifies checkpoint signatures (PEM). */
    public String checkpointKey() {
        return signingKey.publicKeyPem();
    }

    /** Chained records after seq {@code after}, in chain order, with their hashes (for export to a SIEM). */
    public List<ChainedAuditEntry> export(long after, int limit) {
        batches.chainNow(); // every record committed so far, not only those the writer chained already
        return store.tx(tx -> tx.audit().chainedAfter(after, Long.MAX_VALUE, limit)).stream()
                .map(r -> new ChainedAuditEntry(r.seq(), r.id(), r.fields().time(), r.fields().actor(), r.fields().action(),
                        r.fields().target(), r.fields().tenant(), r.fields().result(), r.fields().detail(), AuditChain.hex(r.previousHash()),
                        AuditChain.hex(r.hash())))
                .toList();
    }
}
