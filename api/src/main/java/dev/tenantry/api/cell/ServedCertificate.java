package dev.tenantry.api.cell;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A TLS certificate a cell's gateway serves for one host name: its key (made on the cell, never sent anywhere) and its
 * chain (the certificate, then the CA's). Lives in memory only.
 */
public record ServedCertificate(String host, PrivateKey key, List<X509Certificate> chain) {
    public ServedCertificate {
        chain = List.copyOf(chain);
    }

    public Instant notAfter() {
        return chain.getFirst().getNotAfter().toInstant();
    }

    /**
     * Whether it is time to renew it, when it was {@code obtainedAt} (by the same clock as {@code now}, which need not
     * agree with the issuer's): two thirds of its validity are past.
     */
    public boolean dueForRenewal(Instant obtainedAt, Instant now) {
        Duration validity = Duration.between(chain.getFirst().getNotBefore().toInstant(), notAfter());
        return !now.isBefore(obtainedAt.plus(validity.multipliedBy(2).dividedBy(3)));
    }

    @Override
    public String toString() {
        return "ServedCertificate[" + host + ", serial " + chain.getFirst().getSerialNumber().toString(16) + ", until " + notAfter() + "]";
    }
}
