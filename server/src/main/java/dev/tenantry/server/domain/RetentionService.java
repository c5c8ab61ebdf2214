package dev.tenantry.server.domain;

import dev.tenantry.server.audit.Checkpoint;
import dev.tenantry.server.store.Store;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes what is past its {@link Retention}: old events (not those a webhook still has to pass, within four times the
 * retention), finished operations, webhook delivery logs, and the audit trail before the newest signed checkpoint older
 * than its retention. Deletes go in batches, each its own transaction, so that no lock is held long.
 */
public final class RetentionService {
    private static final Logger log = LoggerFactory.getLogger(RetentionService.class);
    /** Rows removed per transaction. */
    static final int BATCH = 5_000;
    private final Store store;
    private final AuditService audit;
    private final Clock clock;
    private final Retention retention;

    public RetentionService(Store store, AuditService audit, Clock clock, Retention retention) {
        this.store = store;
        this.audit = audit;
        this.clock = clock;
        this.retention = retention;
    }

    /** What one run removed. */
    public record Removed(long events, long operations, long webhookDeliveries, long auditRecords) {
        public boolean any() {
            return events + operations + webhookDeliveries + auditRecords > 0;
        }
    }

    public Removed removeOld() {
        long events = inBatches(() -> store.tx(tx -> tx.events().deleteOlderThan(retention.events(), retention.events().multipliedBy(4), BATCH)));
        long operations = inBatches(() -> store.tx(tx -> tx.operations().deleteFinishedBefore(clock.instant().minus(retention.operations()), BATCH)));
        long deliveries = inBatches(() -> store.tx(tx -> tx.webhooks().deleteDeliveriesOlderThan(retention.webhookDeliveries(), BATCH)));
        long auditRecords = trimAudit();
        return new Removed(events, operations, deliveries, auditRecords);
    }

    private interface Batch {
        int run();
    }

    private static long inBatches(Batch batch) {
        long total = 0;
        for (int removed = batch.run(); ; removed = batch.run()) {
            total += removed;
            if (removed < BATCH) return total;
        }
    }

    /** Cuts the audit trail at the newest checkpoint older than its retention, once the chain up to it verifies. */
    private long trimAudit() {
        Optional<Checkpoint> horizon = store.tx(tx -> tx.audit().newestCheckpointBefore(clock.instant().minus(retention.audit())));
        // cut there already: the hourly audit-verify timer checks the chain; nothing to verify again here
        if (horizon.isEmpty() || horizon.get().seq() <= store.tx(tx -> tx.audit().firstSeq())) return 0;
        var verification = audit.verify();
        if (!verification.ok()) {
            log.warn("Not removing audit records past their retention: the chain does not verify ({})", verification.problems().getFirst().message());
            return 0;
        }
        long removed = inBatches(() -> store.tx(tx -> tx.audit().deleteBefore(horizon.get().seq(), BATCH)));
        if (removed > 0) log.info("The audit trail now starts at record {}, signed by the checkpoint of {}", horizon.get().seq(), horizon.get().time());
        return removed;
    }
}
