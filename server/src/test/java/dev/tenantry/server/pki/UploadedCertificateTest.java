package dev.tenantry.server.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tenantry.api.validation.FieldError;
import dev.tenantry.api.validation.ValidationException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a vendor's upload for a custom domain must be before anything is stored; each failure names its field. */
class UploadedCertificateTest {
    private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");
    private final CertificateAuthority vendorCa = CertificateAuthority.create("Vendor CA", NOW.minus(Duration.ofDays(1)));
    private final KeyPair pair = CertificateAuthority.newKeyPair();

    private String chain(List<String> names, Instant issued, Duration lifetime) {
        X509Certificate leaf = vendorCa.issueServer(pair.getPublic(), names, issued, lifetime);
        return Pem.write(leaf, vendorCa.certificate());
    }

    @Test
    void aMatchingValidChainForTheDomainOrItsWildcardIsAccepted() {
        UploadedCertificate ok = UploadedCertificate.check("WWW.acme.test", chain(List.of("www.acme.test"), NOW, Duration.ofDays(90)),
                Pem.write(pair.getPrivate()), NOW);
        assertThat(ok.domain()).isEqualTo("www.acme.test");
        assertThat(ok.chain()).hasSize(2);
        assertThat(UploadedCertificate.check("shop.acme.test", chain(List.of("*.acme.test"), NOW, Duration.ofDays(90)),
                Pem.write(pair.getPrivate()), NOW).notAfter()).isEqualTo(NOW.plus(Duration.ofDays(90)));
    }

    @Test
    void eachBadUploadIsRefusedNamingItsField() {
        String good = chain(List.of("www.acme.test"), NOW, Duration.ofDays(90));
        String key = Pem.write(pair.getPrivate());
        assertThat(fields("www.acme.test", good, Pem.write(CertificateAuthority.newKeyPair().getPrivate()))).containsExactly("key");
        assertThat(messages("www.acme.test", chain(List.of("www.acme.test"), NOW.minus(Duration.ofDays(10)), Duration.ofDays(5)), key))
                .singleElement().asString().startsWith("expired at");
        assertThat(messages("www.acme.test", chain(List.of("www.acme.test"), NOW.plus(Duration.ofDays(2)), Duration.ofDays(5)), key))
                .singleElement().asString().startsWith("is not valid before");
        assertThat(messages("api.acme.test", good, key)).singleElement().asString().contains("does not name api.acme.test");
        assertThat(messages("deep.www.acme.test", chain(List.of("*.acme.test"), NOW, Duration.ofDays(9)), key)).as("a wildcard covers one label")
                .singleElement().asString().contains("does not name");
        String otherCa = Pem.write(CertificateAuthority.create("Other CA", NOW.minus(Duration.ofDays(1))).certificate());
        String broken = Pem.write(Pem.certificates(good).getFirst()) + otherCa;
        assertThat(messages("www.acme.test", broken, key)).singleElement().asString().contains("is not the issuer of certificate 1");
        assertThat(messages("www.acme.test", Pem.write(vendorCa.certificate()), key)).contains("its first certificate is a certificate authority's, not the domain's");
        assertThat(fields("not a domain!", good, key)).containsExactly("domain");
        assertThat(fields("www.acme.test", "garbage", "garbage")).containsExactlyInAnyOrder("certificate", "key");
    }

    private static List<String> fields(String domain, String certificate, String key) {
        return errors(domain, certificate, key).stream().map(FieldError::field).toList();
    }

    private static List<String> messages(String domain, String certificate, String key) {
        return errors(domain, certificate, key).stream().map(FieldError::message).toList();
    }

    private static List<FieldError> errors(String domain, String certificate, String key) {
        return catchThrowableOfType(ValidationException.class, () -> UploadedCertificate.check(domain, certificate, key, NOW)).errors();
    }
}
