package dev.tenantry.agent;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/** Keys made on this host and the certification requests (PKCS#10, BouncyCastle) that ask the server's CA to certify them. */
final class CertificationRequests {
    private CertificationRequests() {}

    static KeyPair newKeyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    /** A request for {@code subject} (e.g. {@code CN=web.acme.localhost}), signed with the pair's private key, as PEM. */
    static String pem(String subject, KeyPair pair) throws GeneralSecurityException {
        try {
            var request = new JcaPKCS10CertificationRequestBuilder(new X500Name(subject), pair.getPublic())
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate()));
            StringWriter out = new StringWriter();
            try (JcaPEMWriter pem = new JcaPEMWriter(out)) {
                pem.writeObject(request);
            }
            return out.toString();
        } catch (org.bouncycastle.operator.OperatorCreationException | IOException e) {
            throw new GeneralSecurityException("a certification request could not be made", e);
        }
    }

    /** A PEM private key (PKCS#8, or a traditional EC or RSA key pair), as a vendor uploaded it for a custom domain. */
    static java.security.PrivateKey privateKey(String pem) throws GeneralSecurityException {
        try (org.bouncycastle.openssl.PEMParser parser = new org.bouncycastle.openssl.PEMParser(new java.io.StringReader(pem))) {
            Object o = parser.readObject();
            var converter = new org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter()
                    .setAlgorithmMapping(org.bouncycastle.asn1.x9.X9ObjectIdentifiers.id_ecPublicKey, "EC");
            if (o instanceof org.bouncycastle.asn1.pkcs.PrivateKeyInfo info) return converter.getPrivateKey(info);
            if (o instanceof org.bouncycastle.openssl.PEMKeyPair pair) return converter.getPrivateKey(pair.getPrivateKeyInfo());
            throw new GeneralSecurityException("not a PEM private key");
        } catch (IOException e) {
            throw new GeneralSecurityException("not a PEM private key", e);
        }
    }

    /** Every certificate of a PEM chain. */
    static List<X509Certificate> chain(String pem) throws GeneralSecurityException {
        List<X509Certificate> chain = new ArrayList<>();
        for (var c : CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.UTF_8)))) {
            chain.add((X509Certificate) c);
        }
        return chain;
    }

    /** The certificates of a PEM chain, checked to certify {@code pair}'s public key. */
    static List<X509Certificate> chainFor(String pem, KeyPair pair) throws GeneralSecurityException {
        List<X509Certificate> chain = chain(pem);
        if (chain.isEmpty() || !chain.getFirst().getPublicKey().equals(pair.getPublic())) {
            throw new GeneralSecurityException("the server's certificate is not for the key this agent made");
        }
        return chain;
    }
}
