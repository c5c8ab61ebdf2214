package dev.tenantry.server.store;

import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** The one row of the internal certificate authority: its certificate and its key, encrypted by the caller. */
public final class CertificateAuthorityRepository {
    private final Handle h;

    CertificateAuthorityRepository(Handle h) {
        this.h = h;
    }

    public record Stored(String certificatePem, byte[] sealedKey) {}

    public Optional<Stored> get() {
        return h.createQuery("select certificate, key from certificate_authority where id = 1")
                .map((rs, c) -> new Stored(rs.getString("certificate"), rs.getBytes("key"))).findOne();
    }

    /** Stores the authority unless one exists (another replica made it first). */
    public void insertIfAbsent(Stored authority) {
        h.createUpdate("insert into certificate_authority (id, certificate, key) values (1, :cert, :key) on conflict (id) do nothing")
                .bind("cert", authority.certificatePem()).bind("key", authority.sealedKey()).execute();
    }
}
