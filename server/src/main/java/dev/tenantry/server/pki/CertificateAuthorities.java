package dev.tenantry.server.pki;

import dev.tenantry.server.keys.SecretBox;
import dev.tenantry.server.store.CertificateAuthorityRepository.Stored;
import dev.tenantry.server.store.Store;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;

/**
 * Where the internal certificate authority is kept: its certificate in the database, its private key there too but
 * encrypted like a secret (under the key-encryption key). The first replica to start makes it; the others read it.
 */
public final class CertificateAuthorities {
    static final String NAME = "Tenantry internal CA";
    private static final String KEY_CONTEXT = "tenantry:certificate-authority-key";

    private CertificateAuthorities() {}

    public static CertificateAuthority loadOrCreate(Store store, SecretBox box, Instant now) {
        Stored stored = store.tx(tx -> tx.certificateAuthority().get().orElseGet(() -> {
            CertificateAuthority made = CertificateAuthority.create(NAME, now);
            String pkcs8 = Base64.getEncoder().encodeToString(made.key().getEncoded());
            tx.certificateAuthority().insertIfAbsent(new Stored(made.certificatePem(), box.seal(pkcs8, KEY_CONTEXT)));
            return tx.certificateAuthority().get().orElseThrow();
        }));
        return new CertificateAuthority(Pem.certificates(stored.certificatePem()).getFirst(), key(box.open(stored.sealedKey(), KEY_CONTEXT)));
    }

    private static PrivateKey key(String pkcs8) {
        try {
            return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pkcs8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the certificate authority's key is not an EC key", e);
        }
    }
}
