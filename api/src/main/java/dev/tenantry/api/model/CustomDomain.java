package dev.tenantry.api.model;

import java.time.Instant;
import java.util.List;

/**
 * A custom domain pointed at an instance, with what its uploaded certificate says (never its key). The upload itself is
 * {@link Upload}: the certificate chain (PEM, the domain's certificate first) and its private key (PEM).
 */
public record CustomDomain(String domain, String tenant, String instance, Instant notAfter, String subject, String issuer, List<String> names,
                           Instant updated, String updatedBy) {
    public record Upload(String certificate, String key) {
        @Override
        public String toString() {
            return "CustomDomain.Upload[key hidden]";
        }
    }
}
