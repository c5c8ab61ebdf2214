package dev.tenantry.server;

import dev.tenantry.server.keys.KeyEncryptionKey;
import java.time.Duration;
import java.util.Objects;

/**
 * The server's keys and how it protects its records.
 *
 * @param keyEncryptionKey encrypts the keys kept in the database; every replica of one control plane uses the same
 * @param auditCheckpointInterval how often the audit chain's head is signed when it moved (default 30 s): records after
 *     the last checkpoint are protected by the chain alone
 */
public record SecuritySettings(KeyEncryptionKey keyEncryptionKey, Duration auditCheckpointInterval) {
    public static final Duration DEFAULT_AUDIT_CHECKPOINT_INTERVAL = Duration.ofSeconds(30);

    public SecuritySettings {
        Objects.requireNonNull(keyEncryptionKey, "keyEncryptionKey");
        auditCheckpointInterval = auditCheckpointInterval == null ? DEFAULT_AUDIT_CHECKPOINT_INTERVAL : auditCheckpointInterval;
        if (auditCheckpointInterval.isNegative() || auditCheckpointInterval.isZero()) {
            throw new IllegalArgumentException("auditCheckpointInterval must be positive");
        }
    }

    public SecuritySettings(KeyEncryptionKey keyEncryptionKey) {
        this(keyEncryptionKey, null);
    }
}
