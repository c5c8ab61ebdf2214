package dev.tenantry.server.keys;

import com.google.crypto.tink.Aead;

/**
 * The key-encryption key (KEK): it encrypts the keys the control plane keeps in its database (the audit signing key,
 * the certificate authority's key, the data keys of secrets) and nothing else. {@link KeyFile} keeps it in a file; a
 * cloud KMS plugs in here as a Tink {@link Aead} whose key never leaves the KMS (for example from Tink's
 * {@code KmsClient} for AWS or Google Cloud KMS).
 */
public interface KeyEncryptionKey {
    Aead aead();

    /** Where the key is, for messages (never the key itself). */
    String description();
}
