package dev.tenantry.server.pki;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/** PEM text in and out (BouncyCastle's reader and writer): certificates, private keys, certification requests. */
public final class Pem {
    private Pem() {}

    public static String write(Object... objects) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(out)) {
            for (Object o : objects) {
                // a private key as PKCS#8 ("PRIVATE KEY"), which every tool reads
                if (o instanceof PrivateKey key) pem.writeObject(new org.bouncycastle.util.io.pem.PemObject("PRIVATE KEY", key.getEncoded()));
                else pem.writeObject(o);
            }
        } catch (IOException e) {
            throw new IllegalStateException("PEM could not be written", e);
        }
        return out.toString();
    }

    /** Every certificate in the text, in order; an {@link IllegalArgumentException} when there is none or one is malformed. */
    public static List<X509Certificate> certificates(String pem) {
        List<X509Certificate> certificates = new ArrayList<>();
        for (Object o : objects(pem)) {
            if (o instanceof X509CertificateHolder holder) {
                try {
                    certificates.add(new JcaX509CertificateConverter().getCertificate(holder));
                } catch (CertificateException e) {
                    throw new IllegalArgumentException("a certificate is malformed", e);
                }
            }
        }
        if (certificates.isEmpty()) throw new IllegalArgumentException("no PEM certificate (-----BEGIN CERTIFICATE-----)");
        return certificates;
    }

    /** The one private key in the text (PKCS#8, or a traditional EC or RSA key pair). */
    public static PrivateKey privateKey(String pem) {
        // the JDK's provider knows EC keys as "EC" (BouncyCastle's converter would ask for "ECDSA")
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter().setAlgorithmMapping(X9ObjectIdentifiers.id_ecPublicKey, "EC");
        for (Object o : objects(pem)) {
            try {
                if (o instanceof PrivateKeyInfo info) return converter.getPrivateKey(info);
                if (o instanceof PEMKeyPair pair) return converter.getPrivateKey(pair.getPrivateKeyInfo());
            } catch (IOException e) {
                throw new IllegalArgumentException("the private key is malformed", e);
            }
        }
        throw new IllegalArgumentException("no PEM private key (-----BEGIN PRIVATE KEY-----)");
    }

    public static PKCS10CertificationRequest certificationRequest(String pem) {
        for (Object o : objects(pem)) if (o instanceof PKCS10CertificationRequest csr) return csr;
        throw new IllegalArgumentException("no PEM certification request (-----BEGIN CERTIFICATE REQUEST-----)");
    }

    private static List<Object> objects(String pem) {
        List<Object> objects = new ArrayList<>();
        try (PEMParser parser = new PEMParser(new StringReader(pem == null ? "" : pem))) {
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) objects.add(o);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not valid PEM", e);
        }
        return objects;
    }
}
