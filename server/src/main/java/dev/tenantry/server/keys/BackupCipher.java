package dev.tenantry.server.keys;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.StreamingAead;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.streamingaead.PredefinedStreamingAeadParameters;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

/**
 * Encrypts backups as streams (Tink's streaming AEAD, AES-256-GCM-HKDF in 1 MB segments): each backup has a key of its
 * own, stored with the backup's record encrypted under the {@link KeyEncryptionKey}; the backup's id is the associated
 * data, so a file put in another backup's place does not decrypt.
 */
public final class BackupCipher {
    private final KeyEncryptionKey kek;

    public BackupCipher(KeyEncryptionKey kek) {
        Tink.register();
        this.kek = kek;
    }

    /** A new key for one backup, to keep (encrypted) with it, and the stream that encrypts into {@code out}. */
    public record Sealing(byte[] wrappedKey, OutputStream stream) {}

    public Sealing seal(String backupId, OutputStream out) throws IOException {
        try {
            KeysetHandle key = KeysetHandle.generateNew(PredefinedStreamingAeadParameters.AES256_GCM_HKDF_1MB);
            byte[] wrapped = TinkProtoKeysetFormat.serializeEncryptedKeyset(key, kek.aead(), ad(backupId));
            StreamingAead aead = key.getPrimitive(RegistryConfiguration.get(), StreamingAead.class);
            return new Sealing(wrapped, aead.newEncryptingStream(out, ad(backupId)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("backup encryption is not available", e);
        }
    }

    public InputStream open(String backupId, byte[] wrappedKey, InputStream in) throws IOException {
        try {
            KeysetHandle key = TinkProtoKeysetFormat.parseEncryptedKeyset(wrappedKey, kek.aead(), ad(backupId));
            return key.getPrimitive(RegistryConfiguration.get(), StreamingAead.class).newDecryptingStream(in, ad(backupId));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the key of backup " + backupId + " cannot be opened (another key-encryption key?)", e);
        }
    }

    private static byte[] ad(String backupId) {
        return ("tenantry:backup:" + backupId).getBytes(StandardCharsets.UTF_8);
    }
}
