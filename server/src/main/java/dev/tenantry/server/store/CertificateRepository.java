package dev.tenantry.server.store;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Handle;

/** What the internal CA issued to cells, by host. */
public final class CertificateRepository {
    private final Handle h;

    CertificateRepository(Handle h) {
        this.h = h;
    }

    /** A live instance a cell serves, by the host name its traffic comes to. */
    public record ServedHost(String host, String instanceUid) {}

    public record Issued(String serial, String cell, String host, String instanceUid, Instant notBefore, Instant notAfter, Instant issuedAt) {}

    /** The host names of the live instances placed on the cell. */
    public List<ServedHost> hostsOf(String cell) {
        return h.createQuery("select deployment->>'host' as host, uid from instances where cell = :cell"
                        + " and phase not in ('DELETING', 'DELETED', 'PURGING', 'PURGED') and deployment->>'host' is not null")
                .bind("cell", cell).map((rs, c) -> new ServedHost(rs.getString("host"), rs.getString("uid"))).list();
    }

    /**
     * The newest certificate of each host still served by a live instance, when it expires before {@code before} and
     * no event said so yet: a renewal that did not happen.
     */
    public List<Issued> expiringUnwarned(Instant before) {
        return h.createQuery("select c.* from certificates c join instances i on i.uid = c.instance_uid"
                        + " where i.phase not in ('DELETING', 'DELETED', 'PURGING', 'PURGED') and i.deployment->>'host' = c.host"
                        + " and c.expiry_warned_at is null and c.not_after < :before"
                        + " and c.not_after = (select max(n.not_after) from certificates n where n.host = c.host)")
                .bind("before", Timestamp.from(before))
                .map((rs, ctx) -> new Issued(rs.getString("serial"), rs.getString("cell"), rs.getString("host"), rs.getString("instance_uid"),
                        JsonColumns.instant(rs, "not_before"), JsonColumns.instant(rs, "not_after"), JsonColumns.instant(rs, "issued_at")))
                .list();
    }

    public void markWarned(String serial, Instant at) {
        h.createUpdate("update certificates set expiry_warned_at = :at where serial = :serial")
                .bind("serial", serial).bind("at", Timestamp.from(at)).execute();
    }

    public void record(Issued c) {
        h.createUpdate("insert into certificates (serial, cell, host, instance_uid, not_before, not_after, issued_at)"
                        + " values (:serial, :cell, :host, :uid, :nb, :na, :at)")
                .bind("serial", c.serial()).bind("cell", c.cell()).bind("host", c.host()).bind("uid", c.instanceUid())
                .bind("nb", Timestamp.from(c.notBefore())).bind("na", Timestamp.from(c.notAfter())).bind("at", Timestamp.from(c.issuedAt()))
                .execute();
    }
}
