package dev.tenantry.server;

import dev.tenantry.server.keys.KeyEncryptionKey;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The server's keys and how it protects its records.
 *
 * @param keyEncryptionKey encrypts the keys kept in the database; every replica of one control plane uses the same
 * @param auditCheckpointInterval how often the audit chain's head is signed when it moved (default 30 s): records after
 *     the last checkpoint are protected by the chain alone
 * @param certificateLifetime how long a certificate the internal CA issues to a cell is valid (default 24 h; the agent
 *     renews it at two thirds)
 * @param apiTls HTTPS for the API (null: none)
 * @param agentTokens whether agents may call with bearer tokens (dev mode's in-process agent does); otherwise they
 *     join with mutual TLS
 */
public record SecuritySettings(KeyEncryptionKey keyEncryptionKey, Duration auditCheckpointInterval, Duration certificateLifetime, ApiTls apiTls,
                               boolean agentTokens) {
    /**
     * HTTPS for the API on {@code port} (0: any free one), with a certificate from the internal CA naming {@code names}, or
     * the one {@code provided} (PEM chain and key; null: the CA's).
     */
    public record ApiTls(int port, List<String> names, Provided provided) {
        public ApiTls {
            names = names == null || names.isEmpty() ? List.of("localhost", "127.0.0.1") : List.copyOf(names);
        }

        public ApiTls(int port, List<String> names) {
            this(port, names, null);
        }

        /** A certificate chain and its key, PEM. */
        public record Provided(String certificatePem, String keyPem) {
            @Override
            public String toString() {
                return "Provided[key hidden]";
            }
        }
    }

    /** The same settings with HTTPS for the API (null: none). */
    public SecuritySettings withApiTls(ApiTls tls) {
        return new SecuritySettings(keyEncryptionKey, auditCheckpointInterval, certificateLifetime, tls, agentTokens);
    }

    /** The same settings, with agents' bearer tokens accepted or not (without them agents join with mutual TLS). */
    public SecuritySettings withAgentTokens(boolean accepted) {
        return new SecuritySettings(keyEncryptionKey, auditCheckpointInterval, certificateLifetime, apiTls, accepted);
    }

    public static final Duration DEFAULT_AUDIT_CHECKPOINT_INTERVAL = Duration.ofSeconds(30);
    public static final Duration DEFAULT_CERTIFICATE_LIFETIME = Duration.ofHours(24);

    public SecuritySettings {
        Objects.requireNonNull(keyEncryptionKey, "keyEncryptionKey");
        auditCheckpointInterval = auditCheckpointInterval == null ? DEFAULT_AUDIT_CHECKPOINT_INTERVAL : auditCheckpointInterval;
        certificateLifetime = certificateLifetime == null ? DEFAULT_CERTIFICATE_LIFETIME : certificateLifetime;
        if (auditCheckpointInterval.isNegative() || auditCheckpointInterval.isZero()) {
            throw new IllegalArgumentException("auditCheckpointInterval must be positive");
        }
        if (certificateLifetime.compareTo(Duration.ofMinutes(5)) < 0) throw new IllegalArgumentException("certificateLifetime must be 5 minutes or more");
    }

    public SecuritySettings(KeyEncryptionKey keyEncryptionKey) {
        this(keyEncryptionKey, null, null, null, true);
    }

    public SecuritySettings(KeyEncryptionKey keyEncryptionKey, Duration auditCheckpointInterval) {
        this(keyEncryptionKey, auditCheckpointInterval, null, null, true);
    }

    public SecuritySettings(KeyEncryptionKey keyEncryptionKey, Duration auditCheckpointInterval, Duration certificateLifetime) {
        this(keyEncryptionKey, auditCheckpointInterval, certificateLifetime, null, true);
    }
}
