package dev.tenantry.server.pki;

import dev.tenantry.api.validation.Errors;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A certificate and key a vendor uploads for a custom domain, checked before anything is stored: the key belongs to the
 * certificate, the certificate is valid now and names the domain (exactly, or by a one-label wildcard), is not a CA's,
 * and each certificate of the chain is issued by the next one. Every failure names its field.
 */
public record UploadedCertificate(String domain, List<X509Certificate> chain, PrivateKey key) {
    static final String DOMAIN = "(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*";
    private static final SecureRandom RANDOM = new SecureRandom();

    public Instant notAfter() {
        return chain.getFirst().getNotAfter().toInstant();
    }

    public static UploadedCertificate check(String domain, String certificatePem, String keyPem, Instant now) {
        Errors errors = new Errors();
        String name = domain == null ? null : domain.toLowerCase(Locale.ROOT);
        if (name == null || !name.matches(DOMAIN)) errors.add("domain", "must be a host name such as www.example.com");
        List<X509Certificate> chain = List.of();
        PrivateKey key = null;
        try {
            chain = Pem.certificates(certificatePem);
        } catch (IllegalArgumentException e) {
            errors.add("certificate", "is not a PEM certificate chain (" + e.getMessage() + ")");
        }
        try {
            key = Pem.privateKey(keyPem);
        } catch (IllegalArgumentException e) {
            errors.add("key", "is not a PEM private key");
        }
        if (!chain.isEmpty()) {
            X509Certificate leaf = chain.getFirst();
            if (now.isBefore(leaf.getNotBefore().toInstant())) errors.add("certificate", "is not valid before " + leaf.getNotBefore().toInstant());
            if (!now.isBefore(leaf.getNotAfter().toInstant())) errors.add("certificate", "expired at " + leaf.getNotAfter().toInstant());
            if (leaf.getBasicConstraints() >= 0) errors.add("certificate", "its first certificate is a certificate authority's, not the domain's");
            if (name != null && name.matches(DOMAIN) && !covers(leaf, name)) {
                errors.add("certificate", "does not name " + name + " (it names " + names(leaf) + ")");
            }
            for (int i = 0; i + 1 < chain.size(); i++) {
                if (!issued(chain.get(i), chain.get(i + 1))) {
                    errors.add("certificate", "certificate " + (i + 2) + " of the chain is not the issuer of certificate " + (i + 1));
                }
            }
            if (key != null && !belongs(key, leaf)) errors.add("key", "does not belong to the certificate");
        }
        errors.throwIfAny();
        return new UploadedCertificate(name, List.copyOf(chain), key);
    }

    private static boolean issued(X509Certificate cert, X509Certificate issuer) {
        if (!cert.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) return false;
        try {
            cert.verify(issuer.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** Signs random bytes with the key and verifies them with the certificate's public key. */
    private static boolean belongs(PrivateKey key, X509Certificate cert) {
        String algorithm = switch (key.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> null;
        };
        if (algorithm == null) return false;
        try {
            byte[] challenge = new byte[32];
            RANDOM.nextBytes(challenge);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(cert.getPublicKey());
            verifier.update(challenge);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static boolean covers(X509Certificate cert, String domain) {
        for (String name : names(cert)) {
            String n = name.toLowerCase(Locale.ROOT);
            if (n.equals(domain)) return true;
            if (n.startsWith("*.") && domain.indexOf('.') > 0 && domain.substring(domain.indexOf('.') + 1).equals(n.substring(2))) return true;
        }
        return false;
    }

    /** The DNS names a certificate's subject alternative names give. */
    public static List<String> names(X509Certificate cert) {
        List<String> names = new ArrayList<>();
        try {
            if (cert.getSubjectAlternativeNames() != null) {
                cert.getSubjectAlternativeNames().stream().filter(san -> Integer.valueOf(2).equals(san.get(0))).forEach(san -> names.add((String) san.get(1)));
            }
        } catch (CertificateParsingException e) {
            return names;
        }
        return names;
    }
}
