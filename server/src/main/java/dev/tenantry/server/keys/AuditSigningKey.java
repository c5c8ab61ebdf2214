package dev.tenantry.server.keys;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.PublicKeySign;
import com.google.crypto.tink.PublicKeyVerify;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.signature.Ed25519PublicKey;
import com.google.crypto.tink.signature.PredefinedSignatureParameters;
import java.io.IOException;
import java.io.StringWriter;
import java.security.GeneralSecurityException;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * The Ed25519 key that signs the audit chain's checkpoints: kept encrypted among the {@link StoredKeysets}, its
 * signatures raw (64 bytes, no Tink prefix) so that any Ed25519 implementation verifies them with {@link #publicKeyPem()}.
 */
public final class AuditSigningKey {
    static final String NAME = "audit-checkpoints";
    private final PublicKeySign signer;
    private final PublicKeyVerify verifier;
    private final String publicKeyPem;

    private AuditSigningKey(KeysetHandle keyset) throws GeneralSecurityException {
        this.signer = keyset.getPrimitive(RegistryConfiguration.get(), PublicKeySign.class);
        KeysetHandle publicKeyset = keyset.getPublicKeysetHandle();
        this.verifier = publicKeyset.getPrimitive(RegistryConfiguration.get(), PublicKeyVerify.class);
        this.publicKeyPem = pem((Ed25519PublicKey) publicKeyset.getPrimary().getKey());
    }

    public static AuditSigningKey load(StoredKeysets keys) {
        try {
            return new AuditSigningKey(keys.getOrCreate(NAME, PredefinedSignatureParameters.ED25519WithRawOutput));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("The audit signing key is not an Ed25519 keyset", e);
        }
    }

    public byte[] sign(byte[] data) {
        try {
            return signer.sign(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Signing failed", e);
        }
    }

    public boolean verifies(byte[] signature, byte[] data) {
        try {
            verifier.verify(signature, data);
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** The public key as a PEM SubjectPublicKeyInfo, as {@code openssl pkeyutl -verify -pubin} reads it. */
    public String publicKeyPem() {
        return publicKeyPem;
    }

    private static String pem(Ed25519PublicKey key) {
        try {
            byte[] der = new SubjectPublicKeyInfo(new AlgorithmIdentifier(EdECObjectIdentifiers.id_Ed25519),
                    key.getPublicKeyBytes().toByteArray()).getEncoded();
            StringWriter out = new StringWriter();
            try (PemWriter pem = new PemWriter(out)) {
                pem.writeObject(new PemObject("PUBLIC KEY", der));
            }
            return out.toString();
        } catch (IOException e) {
            throw new IllegalStateException("The public key could not be encoded", e);
        }
    }
}
