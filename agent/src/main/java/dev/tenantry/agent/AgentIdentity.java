package dev.tenantry.agent;

import dev.tenantry.api.Json;
import dev.tenantry.api.cell.AgentJoin;
import dev.tenantry.api.cell.IssuedCertificate;
import java.io.IOException;
import java.io.StringWriter;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's identity for mutual TLS: a key made on this host and a client certificate bound to its cell, kept in
 * {@code identity/} of its work directory (0600) so that a restarted agent needs no new join token. Got once by
 * exchanging a one-time join token, renewed by the agent itself (a new key) at two thirds of the certificate's life.
 */
public final class AgentIdentity extends X509ExtendedKeyManager {
    private static final Logger log = LoggerFactory.getLogger(AgentIdentity.class);
    private static final String ALIAS = "agent";
    private final Path dir;
    private final String serverUrl;
    private final String cell;
    private final SSLContext context;
    private volatile Held held;
    private Thread renewer;

    private record Held(PrivateKey key, X509Certificate[] chain, Instant obtainedAt) {}

    private final SSLContext trustOnly;

    private AgentIdentity(Path dir, String serverUrl, String cell, TrustManager[] trust) throws GeneralSecurityException {
        this.dir = dir;
        this.serverUrl = serverUrl.endsWith("/") ? serverUrl.substring(0, serverUrl.length() - 1) : serverUrl;
        this.cell = cell;
        this.context = SSLContext.getInstance("TLS");
        this.context.init(new KeyManager[] {this}, trust, null);
        this.trustOnly = SSLContext.getInstance("TLS");
        this.trustOnly.init(null, trust, null);
    }

    /**
     * The identity kept in {@code dir} while its certificate is still valid; otherwise one got now with {@code joinToken}
     * (an {@link IOException} saying what to do when there is none). {@code trust}: trusting the server's CA.
     */
    public static AgentIdentity loadOrJoin(Path dir, String serverUrl, String cell, String joinToken, TrustManager[] trust, Clock clock)
            throws IOException, InterruptedException {
        try {
            AgentIdentity identity = new AgentIdentity(dir, serverUrl, cell, trust);
            if (identity.load(clock.instant())) {
                log.info("Using the agent certificate of cell {} in {} (valid until {})", cell, dir, identity.notAfter());
                return identity;
            }
            if (joinToken == null) {
                throw new IOException("no valid agent certificate in " + dir + ": give a join token (tenantry cells join-token " + cell + ")");
            }
            identity.obtain("/v1/cells/" + cell + "/join", pair -> Json.write(new AgentJoin(joinToken, CertificationRequests.pem("CN=" + cell, pair))),
                    identity.trustOnly, clock.instant());
            log.info("Joined cell {}: agent certificate valid until {}", cell, identity.notAfter());
            return identity;
        } catch (GeneralSecurityException e) {
            throw new IOException("the agent's identity could not be set up: " + e.getMessage(), e);
        }
    }

    /** The TLS context for calls to the server: this identity's certificate, the server's CA. */
    public SSLContext context() {
        return context;
    }

    /** The serial number of the certificate in use. */
    public java.math.BigInteger serial() {
        return held.chain()[0].getSerialNumber();
    }

    public Instant notAfter() {
        return held.chain()[0].getNotAfter().toInstant();
    }

    /** Renews the certificate at two thirds of its life (by {@code clock}, from when it was got), checking every {@code every}. */
    public AgentIdentity renewing(Clock clock, Duration every) {
        renewer = Thread.ofVirtual().name("agent-identity").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(every.toMillis());
                    renewIfDue(clock.instant());
                } catch (InterruptedException e) {
                    return;
                } catch (IOException | GeneralSecurityException | RuntimeException e) {
                    log.warn("Could not renew the agent certificate of cell {} (valid until {}): {}", cell, notAfter(), e.getMessage());
                }
            }
        });
        return this;
    }

    /** Renews the certificate if two thirds of its life are past at {@code now} (since it was got). */
    public void renewIfDue(Instant now) throws IOException, GeneralSecurityException, InterruptedException {
        X509Certificate cert = held.chain()[0];
        Duration validity = Duration.between(cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant());
        if (now.isBefore(held.obtainedAt().plus(validity.multipliedBy(2).dividedBy(3)))) return;
        obtain("/v1/cells/" + cell + "/agent-certificate", pair -> Json.write(Map.of("csr", CertificationRequests.pem("CN=" + cell, pair))), context, now);
        log.info("Renewed the agent certificate of cell {} (valid until {})", cell, notAfter());
    }

    public void stopRenewing() {
        if (renewer != null) renewer.interrupt();
    }

    private interface Body {
        String of(KeyPair pair) throws GeneralSecurityException;
    }

    private void obtain(String path, Body body, SSLContext tls, Instant now) throws IOException, GeneralSecurityException, InterruptedException {
        KeyPair pair = CertificationRequests.newKeyPair();
        HttpClient http = HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(5)).version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(serverUrl + path)).timeout(Duration.ofSeconds(15))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.of(pair))).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201) throw new IOException(path + ": HTTP " + response.statusCode() + " " + response.body());
        IssuedCertificate issued = Json.read(response.body(), IssuedCertificate.class);
        List<X509Certificate> chain = CertificationRequests.chainFor(issued.chain(), pair);
        held = new Held(pair.getPrivate(), chain.toArray(X509Certificate[]::new), now);
        save(pair.getPrivate(), issued.chain());
    }

    private boolean load(Instant now) throws GeneralSecurityException, IOException {
        Path keyFile = dir.resolve("agent.key");
        Path certFile = dir.resolve("agent.crt");
        if (!Files.exists(keyFile) || !Files.exists(certFile)) return false;
        String pem = Files.readString(keyFile, StandardCharsets.UTF_8).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
        List<X509Certificate> chain = new java.util.ArrayList<>();
        for (var c : java.security.cert.CertificateFactory.getInstance("X.509").generateCertificates(Files.newInputStream(certFile))) {
            chain.add((X509Certificate) c);
        }
        if (chain.isEmpty() || !now.isBefore(chain.getFirst().getNotAfter().toInstant())) return false;
        held = new Held(key, chain.toArray(X509Certificate[]::new), chain.getFirst().getNotBefore().toInstant());
        return true;
    }

    private void save(PrivateKey key, String chainPem) throws IOException {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        StringWriter pem = new StringWriter();
        pem.write("-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
        write(dir.resolve("agent.key"), pem.toString());
        write(dir.resolve("agent.crt"), chainPem);
    }

    private static void write(Path file, String content) throws IOException {
        Path tmp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return ALIAS;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
        return ALIAS;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return ALIAS.equals(alias) && held != null ? held.chain().clone() : null;
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return ALIAS.equals(alias) && held != null ? held.key() : null;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return new String[] {ALIAS};
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return null;
    }
}
