package dev.tenantry.gateway;

import dev.tenantry.api.cell.ServedCertificate;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The certificates the gateway serves, chosen per connection by the host name the client asks for (SNI). Replacing one
 * (a renewal) takes effect for the next handshake; connections already open keep theirs, so a renewal fails no request.
 */
public final class ServedCertificates extends X509ExtendedKeyManager {
    private final Map<String, ServedCertificate> byHost = new ConcurrentHashMap<>();

    /** Serves exactly these certificates from now on. */
    public void replaceAll(List<ServedCertificate> certificates) {
        certificates.forEach(c -> byHost.put(c.host(), c));
        byHost.keySet().removeIf(host -> certificates.stream().noneMatch(c -> c.host().equals(host)));
    }

    public int size() {
        return byHost.size();
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return alias(keyType, engine == null ? null : engine.getHandshakeSession());
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return alias(keyType, socket instanceof SSLSocket ssl ? ssl.getHandshakeSession() : null);
    }

    /** The host the client asked for, when a certificate of the key type is served for it. */
    private String alias(String keyType, SSLSession handshake) {
        if (!(handshake instanceof ExtendedSSLSession session)) return null;
        for (SNIServerName name : session.getRequestedServerNames()) {
            if (name instanceof SNIHostName host) {
                ServedCertificate served = byHost.get(host.getAsciiName().toLowerCase(java.util.Locale.ROOT));
                if (served != null && served.key().getAlgorithm().equals(keyType)) return served.host();
            }
        }
        return null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        ServedCertificate served = alias == null ? null : byHost.get(alias);
        return served == null ? null : served.chain().toArray(X509Certificate[]::new);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        ServedCertificate served = alias == null ? null : byHost.get(alias);
        return served == null ? null : served.key();
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return byHost.values().stream().filter(c -> c.key().getAlgorithm().equals(keyType)).map(ServedCertificate::host).toArray(String[]::new);
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
