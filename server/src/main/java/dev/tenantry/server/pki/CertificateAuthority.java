package dev.tenantry.server.pki;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The control plane's internal certificate authority (BouncyCastle): an EC P-256 root that signs short-lived
 * certificates for the gateway's host names and, for agents, client certificates bound to their cell. Decisions only;
 * where its key is kept is {@link CertificateAuthorities}'.
 */
public final class CertificateAuthority {
    static final Duration ROOT_LIFETIME = Duration.ofDays(3650);
    /** How long before its issue a certificate is valid from (for clocks a little behind). */
    public static final int BACKDATE_SECONDS = 60;
    private static final SecureRandom RANDOM = new SecureRandom();
    private final X509Certificate certificate;
    private final PrivateKey key;

    CertificateAuthority(X509Certificate certificate, PrivateKey key) {
        this.certificate = certificate;
        this.key = key;
    }

    /** A new root, valid from a minute before {@code now} for ten years. */
    public static CertificateAuthority create(String name, Instant now) {
        try {
            KeyPair pair = newKeyPair();
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X500Name subject = new X500Name("CN=" + name);
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(), Date.from(now.minusSeconds(BACKDATE_SECONDS)),
                    Date.from(now.plus(ROOT_LIFETIME)), subject, pair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
            return new CertificateAuthority(sign(builder, pair.getPrivate()), pair.getPrivate());
        } catch (GeneralSecurityException | org.bouncycastle.cert.CertIOException e) {
            throw new IllegalStateException("the certificate authority could not be made", e);
        }
    }

    public X509Certificate certificate() {
        return certificate;
    }

    PrivateKey key() {
        return key;
    }

    public String certificatePem() {
        return Pem.write(certificate);
    }

    /**
     * A TLS server certificate for {@code hostNames} (DNS names or IP addresses, the first also the subject), valid
     * {@code lifetime} from {@code now}.
     */
    public X509Certificate issueServer(PublicKey subjectKey, List<String> hostNames, Instant now, Duration lifetime) {
        GeneralName[] names = hostNames.stream().map(h -> org.bouncycastle.util.IPAddress.isValid(h) ? new GeneralName(GeneralName.iPAddress, h)
                : new GeneralName(GeneralName.dNSName, h)).toArray(GeneralName[]::new);
        return issue(subjectKey, "CN=" + hostNames.getFirst(), new GeneralNames(names), KeyPurposeId.id_kp_serverAuth, now, lifetime);
    }

    /** A TLS client certificate naming {@code subject} (an agent: {@code CN=cell-agent,OU=<cell>}). */
    public X509Certificate issueClient(PublicKey subjectKey, String subject, Instant now, Duration lifetime) {
        return issue(subjectKey, subject, null, KeyPurposeId.id_kp_clientAuth, now, lifetime);
    }

    private X509Certificate issue(PublicKey subjectKey, String subject, GeneralNames alternativeNames, KeyPurposeId purpose, Instant now,
                                  Duration lifetime) {
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(certificate, serial(), Date.from(now.minusSeconds(BACKDATE_SECONDS)),
                    Date.from(now.plus(lifetime)), new X500Name(subject), subjectKey)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose))
                    .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(certificate))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(subjectKey));
            if (alternativeNames != null) builder.addExtension(Extension.subjectAlternativeName, false, alternativeNames);
            return sign(builder, key);
        } catch (GeneralSecurityException | org.bouncycastle.cert.CertIOException e) {
            throw new IllegalStateException("a certificate could not be issued", e);
        }
    }

    /** A new EC P-256 key pair (the kind every certificate of this authority has). */
    public static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("EC P-256 keys are not available", e);
        }
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer) throws GeneralSecurityException {
        try {
            ContentSigner contentSigner = new JcaContentSignerBuilder("SHA256withECDSA").build(signer);
            return new JcaX509CertificateConverter().getCertificate(builder.build(contentSigner));
        } catch (org.bouncycastle.operator.OperatorCreationException e) {
            throw new GeneralSecurityException("no SHA256withECDSA signer", e);
        }
    }

    private static BigInteger serial() {
        return new BigInteger(127, RANDOM);
    }
}
