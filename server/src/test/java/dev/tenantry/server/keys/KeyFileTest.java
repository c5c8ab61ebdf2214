package dev.tenantry.server.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyFileTest {
    @TempDir
    Path dir;

    @Test
    void aKeyMadeOnFirstUseIsTheOwnersAloneAndTheSameKeyOnTheNextOpen() throws Exception {
        Path file = dir.resolve("keys").resolve("master.key");
        KeyFile first = KeyFile.openOrCreate(file);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        byte[] secret = "a data key".getBytes(StandardCharsets.UTF_8);
        byte[] ad = "name".getBytes(StandardCharsets.UTF_8);
        byte[] sealed = first.aead().encrypt(secret, ad);
        assertThat(KeyFile.openOrCreate(file).aead().decrypt(sealed, ad)).isEqualTo(secret);
        assertThat(new String(Files.readAllBytes(file), StandardCharsets.UTF_8)).doesNotContain("a data key");
        assertThatThrownBy(() -> KeyFile.openOrCreate(dir.resolve("other.key")).aead().decrypt(sealed, ad))
                .as("another key does not open it").isInstanceOf(java.security.GeneralSecurityException.class);
    }

    @Test
    void aKeyFileOthersCanReadIsRefused() throws Exception {
        Path file = dir.resolve("master.key");
        KeyFile.openOrCreate(file);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> KeyFile.open(file)).isInstanceOf(IOException.class).hasMessageContaining("chmod 600");
    }

    @Test
    void aFileThatIsNoKeysetIsRefusedClearly() throws Exception {
        Path file = dir.resolve("master.key");
        Files.writeString(file, "{\"not\": \"a keyset\"}");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        assertThatThrownBy(() -> KeyFile.open(file)).isInstanceOf(IOException.class).hasMessageContaining("does not hold a Tink AEAD keyset");
        assertThatThrownBy(() -> KeyFile.open(dir.resolve("missing.key"))).isInstanceOf(IOException.class).hasMessageContaining("does not exist");
    }
}
