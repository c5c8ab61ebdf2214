package dev.tenantry.server.pki;

import java.net.Socket;
import java.security.KeyPair;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The API's own TLS certificate, issued by the internal CA in this process for {@code names} and renewed (a new key
 * too) at the first handshake after two thirds of its life; connections already open keep theirs. Or one the operator
 * provided ({@link #provided}), served as it is.
 */
public final class RenewingCertificate extends X509ExtendedKeyManager {
    private static final String ALIAS = "api";
    private final CertificateAuthority authority;
    private final List<String> names;
    private final Duration lifetime;
    private final Clock clock;
    private final ReentrantLock renewing = new ReentrantLock();
    private volatile Held held;

    private record Held(PrivateKey key, X509Certificate[] chain, Instant renewAt) {}

    public RenewingCertificate(CertificateAuthority authority, List<String> names, Duration lifetime, Clock clock) {
        this.authority = authority;
        this.names = List.copyOf(names);
        this.lifetime = lifetime;
        this.clock = clock;
    }

    /** A certificate provided by the operator (checked first), served as it is until it expires: no renewal. */
    public static RenewingCertificate provided(UploadedCertificate certificate) {
        RenewingCertificate fixed = new RenewingCertificate(null, List.of(certificate.domain()), Duration.ZERO, Clock.systemUTC());
        fixed.held = new Held(certificate.key(), certificate.chain().toArray(X509Certificate[]::new), Instant.MAX);
        return fixed;
    }

    private Held current() {
        Held h = held;
        if (h != null && clock.instant().isBefore(h.renewAt())) return h;
        renewing.lock();
        try {
            h = held;
            Instant now = clock.instant();
            if (h == null || !now.isBefore(h.renewAt())) {
                KeyPair pair = CertificateAuthority.newKeyPair();
                X509Certificate cert = authority.issueServer(pair.getPublic(), names, now, lifetime);
                h = new Held(pair.getPrivate(), new X509Certificate[] {cert, authority.certificate()}, now.plus(lifetime.multipliedBy(2).dividedBy(3)));
                held = h;
            }
            return h;
        } finally {
            renewing.unlock();
        }
    }

    /** The certificate served now (issuing or renewing it if due). */
    public X509Certificate certificate() {
        return current().chain()[0];
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return current().key().getAlgorithm().equals(keyType) ? ALIAS : null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return current().key().getAlgorithm().equals(keyType) ? ALIAS : null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return ALIAS.equals(alias) ? current().chain().clone() : null;
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return ALIAS.equals(alias) ? current().key() : null;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return current().key().getAlgorithm().equals(keyType) ? new String[] {ALIAS} : null;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return null;
    }
}
