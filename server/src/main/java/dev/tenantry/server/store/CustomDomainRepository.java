package dev.tenantry.server.store;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** Custom domains of instances, with the uploaded certificate and its key (encrypted by the caller). */
public final class CustomDomainRepository {
    private final Handle h;

    CustomDomainRepository(Handle h) {
        this.h = h;
    }

    public record Stored(String domain, String instanceUid, String certificatePem, byte[] sealedKey, Instant notAfter, String createdBy,
                         Instant createdAt) {}

    /** Stores the domain's certificate (a new one replaces the old). */
    public void put(Stored d) {
        h.createUpdate("insert into custom_domains (domain, instance_uid, certificate, key, not_after, created_by, created_at)"
                        + " values (:domain, :uid, :cert, :key, :na, :by, :at) on conflict (domain) do update set certificate = :cert,"
                        + " key = :key, not_after = :na, created_by = :by, created_at = :at")
                .bind("domain", d.domain()).bind("uid", d.instanceUid()).bind("cert", d.certificatePem()).bind("key", d.sealedKey())
                .bind("na", Timestamp.from(d.notAfter())).bind("by", d.createdBy()).bind("at", Timestamp.from(d.createdAt())).execute();
    }

    public Optional<Stored> get(String domain) {
        return h.createQuery("select * from custom_domains where domain = :d").bind("d", domain).map((rs, c) -> row(rs)).findOne();
    }

    public List<Stored> ofInstance(String instanceUid) {
        return h.createQuery("select * from custom_domains where instance_uid = :uid order by domain").bind("uid", instanceUid)
                .map((rs, c) -> row(rs)).list();
    }

    public boolean delete(String domain, String instanceUid) {
        return h.createUpdate("delete from custom_domains where domain = :d and instance_uid = :uid").bind("d", domain).bind("uid", instanceUid)
                .execute() > 0;
    }

    private static Stored row(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Stored(rs.getString("domain"), rs.getString("instance_uid"), rs.getString("certificate"), rs.getBytes("key"),
                JsonColumns.instant(rs, "not_after"), rs.getString("created_by"), JsonColumns.instant(rs, "created_at"));
    }
}
