package dev.tenantry.server.keys;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.util.EnumSet;
import java.util.Set;

/**
 * A key-encryption key kept in a file: a Tink AES-256-GCM keyset in Tink's JSON format, readable by its owner only.
 * Every server replica of one control plane reads the same key. Rotating it: add a key to the keyset and make it
 * primary (Tink's {@code tinkey rotate-keyset}); values encrypted with the old key stay readable.
 */
public final class KeyFile implements KeyEncryptionKey {
    private static final Set<PosixFilePermission> OTHERS = EnumSet.of(PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);
    private final Path file;
    private final Aead aead;

    private KeyFile(Path file, Aead aead) {
        this.file = file;
        this.aead = aead;
    }

    /** The key in {@code file}; one is made there first when there is none (dev mode, a first start). */
    public static KeyFile openOrCreate(Path file) throws IOException {
        Tink.register();
        if (!Files.exists(file)) create(file);
        return open(file);
    }

    /** The key in {@code file}, which must exist, be readable by its owner only and hold an AEAD keyset. */
    public static KeyFile open(Path file) throws IOException {
        Tink.register();
        if (!Files.isRegularFile(file)) throw new IOException("The key file " + file + " does not exist");
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
        if (mode.stream().anyMatch(OTHERS::contains)) {
            throw new IOException("The key file " + file + " can be read or written by others (" + PosixFilePermissions.toString(mode)
                    + "); make it readable by its owner only (chmod 600)");
        }
        try {
            KeysetHandle keyset = TinkJsonProtoKeysetFormat.parseKeyset(Files.readString(file, StandardCharsets.UTF_8),
                    InsecureSecretKeyAccess.get());
            return new KeyFile(file, keyset.getPrimitive(RegistryConfiguration.get(), Aead.class));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IOException("The key file " + file + " does not hold a Tink AEAD keyset: " + e.getMessage(), e);
        }
    }

    private static void create(Path file) throws IOException {
        try {
            String keyset = TinkJsonProtoKeysetFormat.serializeKeyset(KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM),
                    InsecureSecretKeyAccess.get());
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp", PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, keyset, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file);
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                Files.delete(tmp);
            }
        } catch (GeneralSecurityException e) {
            throw new IOException("A key could not be made for " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Aead aead() {
        return aead;
    }

    @Override
    public String description() {
        return "key file " + file;
    }
}
