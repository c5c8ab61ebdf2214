package dev.tenantry.server.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretBoxTest {
    @TempDir
    Path dir;

    @Test
    void aValueOpensOnlyWithItsKeyAndInItsPlace() throws Exception {
        SecretBox box = new SecretBox(KeyFile.openOrCreate(dir.resolve("master.key")));
        String value = "sk_live_" + "x".repeat(40);
        byte[] sealed = box.seal(value, "service:hello/apiKey@1");
        assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("sk_live_");
        assertThat(box.seal(value, "service:hello/apiKey@1")).as("a fresh data key each time").isNotEqualTo(sealed);
        assertThat(box.open(sealed, "service:hello/apiKey@1")).isEqualTo(value);
        assertThatThrownBy(() -> box.open(sealed, "tenant:acme/apiKey@1")).as("copied to another secret")
                .hasMessageContaining("could not be decrypted").hasMessageNotContaining("sk_live_");
        SecretBox other = new SecretBox(KeyFile.openOrCreate(dir.resolve("other.key")));
        assertThatThrownBy(() -> other.open(sealed, "service:hello/apiKey@1")).as("another key-encryption key")
                .hasMessageContaining("could not be decrypted");
    }
}
