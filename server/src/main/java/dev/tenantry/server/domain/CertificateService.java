package dev.tenantry.server.domain;

import dev.tenantry.server.pki.CertificateAuthority;

/** The internal certificate authority as the API shows it: its certificate, for clients to trust. */
public final class CertificateService {
    private final CertificateAuthority authority;

    public CertificateService(CertificateAuthority authority) {
        this.authority = authority;
    }

    /** The authority's certificate, PEM. */
    public String authorityPem() {
        return authority.certificatePem();
    }
}
