package dev.tenantry.server.keys;

import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.signature.SignatureConfig;
import java.security.GeneralSecurityException;

/** Registers the Tink primitives the control plane uses, once per JVM. */
final class Tink {
    private static volatile boolean registered;

    private Tink() {}

    static void register() {
        if (registered) return;
        try {
            AeadConfig.register();
            SignatureConfig.register();
            com.google.crypto.tink.streamingaead.StreamingAeadConfig.register();
            registered = true;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Tink could not register its primitives", e);
        }
    }
}
