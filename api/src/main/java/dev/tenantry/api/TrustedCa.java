package dev.tenantry.api;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/** A TLS client context that trusts the certificates in a PEM file (Tenantry's CA, from {@code GET /v1/ca}) and nothing else. */
public final class TrustedCa {
    private TrustedCa() {}

    public static SSLContext context(Path pemFile) throws IOException {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trustManagers(pemFile), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("TLS is not available: " + e.getMessage(), e);
        }
    }

    /** Trust managers that trust the certificates in the PEM file and nothing else. */
    public static TrustManager[] trustManagers(Path pemFile) throws IOException {
        try (InputStream in = Files.newInputStream(pemFile)) {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            int n = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) trust.setCertificateEntry("ca-" + n++, c);
            if (n == 0) throw new IOException(pemFile + " holds no PEM certificate");
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            return tmf.getTrustManagers();
        } catch (GeneralSecurityException e) {
            throw new IOException(pemFile + " is not a usable CA certificate: " + e.getMessage(), e);
        }
    }
}
