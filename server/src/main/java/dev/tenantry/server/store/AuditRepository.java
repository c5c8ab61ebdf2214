package dev.tenantry.server.store;

import dev.tenantry.api.model.AuditEntry;
import dev.tenantry.server.audit.AuditChain;
import dev.tenantry.server.audit.AuditFields;
import dev.tenantry.server.audit.ChainedRecord;
import dev.tenantry.server.audit.Checkpoint;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * The audit trail, a hash chain: each record carries its seq (1, 2, … without gaps) and the hash of the record before
 * it ({@link AuditChain}). A transaction's records are written at its end ({@link #pendingWrites}, sent by {@link Store#tx})
 * into {@code audit_pending}, without a lock; {@link #chainPending} moves them into the chain in batches, under the
 * {@link AppendLock} (held to the end of that transaction), after reading the chain's head, so the chain follows the
 * order of those batches' commits even with several server replicas. A record is kept from the moment its transaction
 * commits; it is in the chain (and listed) once a batch has moved it, normally within milliseconds.
 */
public final class AuditRepository {
    private static final String CHAINED_COLUMNS = "id, seq, time, actor, action, target, tenant, result, detail, prev_hash, hash";
    private final Handle h;
    private final AppendLock appendLock;
    private Head head;
    private boolean wrotePending;

    /** The chain's last record: its seq and hash (0 and the genesis hash for an empty chain). */
    public record Head(long seq, byte[] hash) {}

    /** One per transaction ({@link Tx#audit}), sharing the transaction's append lock. */
    AuditRepository(Handle h, AppendLock appendLock) {
        this.h = h;
        this.appendLock = appendLock;
    }

    private record Pending(Instant time, String actor, String action, String target, String tenant, String result, String detail) {}

    private final List<Pending> pending = new java.util.ArrayList<>();

    /** Records an action when the transaction's work is done (in the order of the calls). */
    public void record(String actor, String action, String target, String tenant, String result, String detail) {
        pending.add(new Pending(Instant.now().truncatedTo(ChronoUnit.MICROS), actor, action, target, tenant, result, detail));
    }

    /**
     * The inserts of the records made so far into those a batch chains once this transaction has committed (no lock);
     * they are then no longer pending here (an empty list when there are none).
     */
    List<Write> pendingWrites() {
        List<Object[]> rows = pending.stream().map(p -> new Object[] {Timestamp.from(p.time()), p.actor(), p.action(), p.target(),
                p.tenant(), p.result(), p.detail()}).toList();
        wrotePending |= !pending.isEmpty();
        pending.clear();
        return Write.orderedInserts("audit_pending", List.of("time", "actor", "action", "target", "tenant", "result", "detail"),
                java.util.Collections.nCopies(7, "?"), rows);
    }

    /** Whether this transaction wrote records for a batch to chain. */
    boolean wrotePending() {
        return wrotePending;
    }

    /**
     * Chains, under the append lock, up to {@code limit} records written by transactions that committed (oldest first),
     * then the records made so far in this one; returns how many of the former it chained.
     */
    public int chainPending(int limit) {
        appendLock.take();
        if (head == null) head = readHead();
        // taken out of the waiting room in the statement that reads them (only this writer, under the lock, does)
        List<Map.Entry<Long, Pending>> left = new java.util.ArrayList<>(h.createQuery("delete from audit_pending where id in"
                        + " (select id from audit_pending order by id limit :limit) returning *").bind("limit", limit)
                .map((rs, c) -> Map.entry(rs.getLong("id"), new Pending(JsonColumns.instant(rs, "time").truncatedTo(ChronoUnit.MICROS),
                        rs.getString("actor"), rs.getString("action"), rs.getString("target"), rs.getString("tenant"), rs.getString("result"),
                        rs.getString("detail"))))
                .list());
        left.sort(Map.Entry.comparingByKey());
        List<Pending> waiting = new java.util.ArrayList<>(left.stream().map(Map.Entry::getValue).toList());
        waiting.addAll(pending);
        pending.clear();
        var inserts = h.prepareBatch("insert into audit (seq, time, actor, action, target, tenant, result, detail, prev_hash, hash)"
                + " values (:seq, :time, :a, :ac, :t, :tenant, :r, :d, :prev, :hash)");
        for (Pending p : waiting) {
            AuditFields f = new AuditFields(head.seq() + 1, p.time(), p.actor(), p.action(), p.target(), p.tenant(), p.result(), p.detail());
            byte[] hash = AuditChain.hash(head.hash(), f);
            inserts.bind("seq", f.seq()).bind("time", Timestamp.from(f.time())).bind("a", f.actor()).bind("ac", f.action())
                    .bind("t", f.target()).bind("tenant", f.tenant()).bind("r", f.result()).bind("d", f.detail())
                    .bind("prev", head.hash()).bind("hash", hash).add();
            head = new Head(f.seq(), hash);
        }
        if (!waiting.isEmpty()) inserts.execute();
        return left.size();
    }

    /** Whether records wait to be chained. */
    public boolean hasPending() {
        return h.createQuery("select exists (select 1 from audit_pending)").mapTo(Boolean.class).one();
    }

    /** The chain's head as committed now (call with the append lock held to append after it). */
    public Head readHead() {
        return h.createQuery("select seq, hash from audit where seq is not null order by seq desc limit 1")
                .map((rs, c) -> new Head(rs.getLong("seq"), rs.getBytes("hash")))
                .findOne().orElseGet(() -> new Head(0, AuditChain.genesis()));
    }

    /**
     * Chains the records written before the audit trail was a chain (an upgraded database), in id order, when the
     * chain is still empty; returns how many. Once the chain has begun, a record outside it is one that Tenantry did not
     * write, and stays outside for verification to name.
     */
    public int chainRecordsFromBefore() {
        appendLock.take();
        if (readHead().seq() > 0) return 0;
        List<ChainedRecord> unchained = h.createQuery("select " + CHAINED_COLUMNS + " from audit where seq is null order by id")
                .map((rs, c) -> row(rs)).list();
        byte[] previous = AuditChain.genesis();
        long seq = 0;
        for (ChainedRecord r : unchained) {
            AuditFields f = r.fields();
            AuditFields chained = new AuditFields(++seq, f.time().truncatedTo(ChronoUnit.MICROS), f.actor(), f.action(), f.target(),
                    f.tenant(), f.result(), f.detail());
            byte[] hash = AuditChain.hash(previous, chained);
            h.createUpdate("update audit set seq = :seq, prev_hash = :prev, hash = :hash where id = :id")
                    .bind("seq", chained.seq()).bind("prev", previous).bind("hash", hash).bind("id", r.id()).execute();
            previous = hash;
        }
        return unchained.size();
    }

    /** Chained records after {@code afterSeq} up to {@code upToSeq}, in chain order. */
    public List<ChainedRecord> chainedAfter(long afterSeq, long upToSeq, int limit) {
        return h.createQuery("select " + CHAINED_COLUMNS + " from audit where seq > :after and seq <= :upTo order by seq limit :limit")
                .bind("after", afterSeq).bind("upTo", upToSeq).bind("limit", limit).map((rs, c) -> row(rs)).list();
    }

    /** Records outside the chain with ids after {@code afterId}, in id order. */
    public List<ChainedRecord> unchainedAfter(long afterId, int limit) {
        return h.createQuery("select " + CHAINED_COLUMNS + " from audit where seq is null and id > :after order by id limit :limit")
                .bind("after", afterId).bind("limit", limit).map((rs, c) -> row(rs)).list();
    }

    private static ChainedRecord row(ResultSet rs) throws SQLException {
        long seq = rs.getLong("seq");
        boolean chained = !rs.wasNull();
        return new ChainedRecord(rs.getLong("id"), chained, new AuditFields(seq, JsonColumns.instant(rs, "time"), rs.getString("actor"),
                rs.getString("action"), rs.getString("target"), rs.getString("tenant"), rs.getString("result"), rs.getString("detail")),
                rs.getBytes("prev_hash"), rs.getBytes("hash"));
    }

    public void addCheckpoint(Checkpoint c) {
        h.createUpdate("insert into audit_checkpoints (seq, hash, time, previous_seq, signature) values (:seq, :hash, :time, :prev, :sig)")
                .bind("seq", c.seq()).bind("hash", c.hash()).bind("time", Timestamp.from(c.time())).bind("prev", c.previousSeq())
                .bind("sig", c.signature()).execute();
    }

    /** The newest checkpoint signed before {@code time}. */
    public Optional<Checkpoint> newestCheckpointBefore(Instant time) {
        return h.createQuery("select * from audit_checkpoints where time < :t order by seq desc limit 1").bind("t", Timestamp.from(time))
                .map((rs, c) -> checkpoint(rs)).findOne();
    }

    /** The checkpoint that signed record {@code seq}, if any. */
    public Optional<Checkpoint> checkpointAt(long seq) {
        return h.createQuery("select * from audit_checkpoints where seq = :seq").bind("seq", seq).map((rs, c) -> checkpoint(rs)).findOne();
    }

    /** The seq of the first record the chain keeps (1 unless retention removed some; 0 for an empty chain). */
    public long firstSeq() {
        return h.createQuery("select coalesce(min(seq), 0) from audit where seq is not null").mapTo(Long.class).one();
    }

    /**
     * Removes up to {@code limit} chained records before seq {@code seq}, and the checkpoints before it (retention: the
     * record at {@code seq} stays, with the checkpoint that signed it); returns how many records.
     */
    public int deleteBefore(long seq, int limit) {
        int records = h.createUpdate("delete from audit where id in (select id from audit where seq < :seq limit :limit)")
                .bind("seq", seq).bind("limit", limit).execute();
        h.createUpdate("delete from audit_checkpoints where seq < :seq").bind("seq", seq).execute();
        return records;
    }

    public Optional<Checkpoint> lastCheckpoint() {
        return h.createQuery("select * from audit_checkpoints order by seq desc limit 1").map((rs, c) -> checkpoint(rs)).findOne();
    }

    /** Checkpoints after {@code afterSeq} up to {@code upToSeq}, in seq order. */
    public List<Checkpoint> checkpointsAfter(long afterSeq, long upToSeq, int limit) {
        return h.createQuery("select * from audit_checkpoints where seq > :after and seq <= :upTo order by seq limit :limit")
                .bind("after", afterSeq).bind("upTo", upToSeq).bind("limit", limit).map((rs, c) -> checkpoint(rs)).list();
    }

    private static Checkpoint checkpoint(ResultSet rs) throws SQLException {
        return new Checkpoint(rs.getLong("seq"), rs.getBytes("hash"), JsonColumns.instant(rs, "time"), rs.getLong("previous_seq"),
                rs.getBytes("signature"));
    }

    /** Newest first, with ids below {@code before} (0: from the newest). */
    public List<AuditEntry> list(String tenant, long before, int limit) {
        return h.createQuery("select * from audit where (:tenant::text is null or tenant = :tenant)"
                        + " and (:before = 0 or id < :before) order by id desc limit :limit")
                .bind("tenant", tenant).bind("before", before).bind("limit", limit)
                .map((rs, c) -> new AuditEntry(rs.getLong("id"), JsonColumns.instant(rs, "time"), rs.getString("actor"),
                        rs.getString("action"), rs.getString("target"), rs.getString("tenant"), rs.getString("result"),
                        rs.getString("detail")))
                .list();
    }
}
