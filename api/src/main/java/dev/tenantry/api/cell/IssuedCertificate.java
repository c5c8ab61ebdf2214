package dev.tenantry.api.cell;

import java.time.Instant;

/** A certificate the internal CA issued: the chain (PEM, the certificate then the CA's), its serial and its validity. */
public record IssuedCertificate(String chain, String serial, Instant notBefore, Instant notAfter) {}
