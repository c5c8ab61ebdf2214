package dev.tenantry.server.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Certificates of the internal CA, checked by the JDK's own PKIX validator, not by the code that made them. */
class CertificateAuthorityTest {
    private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");
    private final CertificateAuthority ca = CertificateAuthority.create("Test CA", NOW);

    @Test
    void aServerCertificateChainsToTheAuthorityAndNamesItsHosts() throws Exception {
        KeyPair pair = CertificateAuthority.newKeyPair();
        X509Certificate cert = ca.issueServer(pair.getPublic(), List.of("web.acme.localhost", "www.acme.test"), NOW, Duration.ofHours(24));
        validate(cert, NOW.plusSeconds(3600));
        assertThat(cert.getSubjectAlternativeNames().stream().map(san -> (String) san.get(1)).toList())
                .containsExactly("web.acme.localhost", "www.acme.test");
        assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
        assertThat(cert.getBasicConstraints()).as("not a CA").isEqualTo(-1);
        assertThat(cert.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofHours(24)));
        assertThatThrownBy(() -> validate(cert, NOW.plus(Duration.ofHours(25)))).as("expired").isInstanceOf(CertPathValidatorException.class);
    }

    @Test
    void aClientCertificateIsForClientsOnlyAndTheRootSurvivesAPemRoundTrip() throws Exception {
        KeyPair pair = CertificateAuthority.newKeyPair();
        X509Certificate cert = ca.issueClient(pair.getPublic(), "CN=cell-agent,OU=edge", NOW, Duration.ofHours(24));
        validate(cert, NOW.plusSeconds(60));
        assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
        assertThat(cert.getSubjectX500Principal().getName()).contains("CN=cell-agent").contains("OU=edge");
        assertThat(Pem.certificates(ca.certificatePem()).getFirst()).isEqualTo(ca.certificate());
        assertThat(ca.certificate().getBasicConstraints()).as("a CA").isGreaterThanOrEqualTo(0);
    }

    private void validate(X509Certificate cert, Instant at) throws Exception {
        PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(ca.certificate(), null)));
        params.setRevocationEnabled(false);
        params.setDate(Date.from(at));
        CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(List.of(cert)), params);
    }
}
