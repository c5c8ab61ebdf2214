package dev.tenantry.api.cell;

import java.util.List;

/**
 * An agent's request for a TLS certificate for host names its cell serves: a PKCS#10 request (PEM) signed with the key
 * that stays on the cell, and the host names.
 */
public record CertificateRequest(String csr, List<String> hosts) {}
