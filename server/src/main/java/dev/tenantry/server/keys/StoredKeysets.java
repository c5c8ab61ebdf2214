package dev.tenantry.server.keys;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.Parameters;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.function.Supplier;

/**
 * Keys the control plane makes for itself and keeps in its database, each a Tink keyset encrypted with the
 * {@link KeyEncryptionKey} and bound to its name (the associated data), so a keyset copied under another name does
 * not decrypt. The first replica to ask for a key makes it; the others read that one.
 */
public final class StoredKeysets {
    /** Where the encrypted keysets are kept (the database's {@code server_keys}). */
    public interface Storage {
        /** The keyset stored under {@code name}; if there is none, {@code created} is stored first (the first replica's wins). */
        String getOrInsert(String name, Supplier<String> created);
    }

    private final Storage storage;
    private final KeyEncryptionKey kek;

    public StoredKeysets(Storage storage, KeyEncryptionKey kek) {
        Tink.register();
        this.storage = storage;
        this.kek = kek;
    }

    public KeysetHandle getOrCreate(String name, Parameters parameters) {
        byte[] associatedData = ("tenantry:server-key:" + name).getBytes(StandardCharsets.UTF_8);
        String stored = storage.getOrInsert(name, () -> encrypt(parameters, associatedData));
        try {
            return TinkJsonProtoKeysetFormat.parseEncryptedKeyset(stored, kek.aead(), associatedData);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("The key '" + name + "' in the database cannot be decrypted with the " + kek.description()
                    + ": this is not the key-encryption key this database was set up with", e);
        }
    }

    private String encrypt(Parameters parameters, byte[] associatedData) {
        try {
            return TinkJsonProtoKeysetFormat.serializeEncryptedKeyset(KeysetHandle.generateNew(parameters), kek.aead(), associatedData);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("The new key could not be encrypted with the " + kek.description(), e);
        }
    }
}
