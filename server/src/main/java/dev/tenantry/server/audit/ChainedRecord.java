package dev.tenantry.server.audit;

/**
 * An audit record as stored: its row id, its fields and its links. {@code fields} has seq 0 and the links are null for a
 * row that was never chained (one written into the table by something other than Tenantry).
 */
public record ChainedRecord(long id, boolean chained, AuditFields fields, byte[] previousHash, byte[] hash) {
    public long seq() {
        return fields.seq();
    }
}
