package dev.tenantry.server.keys;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.aead.KmsEnvelopeAead;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

/**
 * Envelope encryption of secret values (Tink's {@link KmsEnvelopeAead}): each value is encrypted with a fresh AES-256-GCM
 * data key, and the data key with the {@link KeyEncryptionKey}; the ciphertext carries the wrapped data key. The
 * value's place ({@code context}: scope, name and version) is the associated data, so a ciphertext copied to another
 * secret does not decrypt.
 */
public final class SecretBox {
    private final Aead envelope;

    public SecretBox(KeyEncryptionKey kek) {
        Tink.register();
        try {
            this.envelope = KmsEnvelopeAead.create(PredefinedAeadParameters.AES256_GCM, kek.aead());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("envelope encryption is not available", e);
        }
    }

    public byte[] seal(String value, String context) {
        try {
            return envelope.encrypt(value.getBytes(StandardCharsets.UTF_8), context.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("a secret could not be encrypted", e);
        }
    }

    public String open(byte[] sealed, String context) {
        try {
            return new String(envelope.decrypt(sealed, context.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the secret " + context + " could not be decrypted (changed in the database, or another key-encryption key)", e);
        }
    }
}
