package dev.tenantry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * HTTPS through the real gateway: a certificate from the internal CA for the instance's host name, chosen by SNI and
 * checked by the JDK's TLS client and by curl, both trusting only {@code GET /v1/ca}; then a renewal (the clock moved
 * past two thirds of the certificate's life) under steady HTTPS load without a failed request.
 */
class GatewayTlsIT {
    private static final String HOST = "web.acme.localhost";
    static final MovableClock clock = new MovableClock();
    static TestPlane plane;
    static SSLContext trustingTheCa;
    static Path caFile;

    @BeforeAll
    static void start() throws Exception {
        plane = TestPlane.startWithTls(clock, Duration.ofHours(1));
        plane.createTenant("acme");
        assertThat(plane.createInstance("acme", "web", "hello", "starter").status()).isEqualTo(202);
        plane.awaitPhase("acme", "web", "RUNNING");
        String ca = plane.send("GET", "/v1/ca", null, null, null).body();
        caFile = plane.home.resolve("ca.pem");
        Files.writeString(caFile, ca);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("tenantry", CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(ca.getBytes(StandardCharsets.UTF_8))));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        trustingTheCa = SSLContext.getInstance("TLS");
        trustingTheCa.init(null, tmf.getTrustManagers(), null);
    }

    @AfterAll
    static void stop() throws Exception {
        plane.close();
    }

    @Test
    void theGatewayServesTheInstanceOverHttpsAndRenewsItsCertificateWithoutAFailedRequest() throws Exception {
        Answer first = await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> https(HOST), a -> a.status() == 200);
        assertThat(first.body()).contains("Hello, acme!");
        assertThat(first.certificate().getSubjectAlternativeNames().stream().map(san -> (String) san.get(1)).toList()).containsExactly(HOST);

        Process curl = new ProcessBuilder("curl", "-sS", "--fail", "--cacert", caFile.toString(), "--resolve",
                HOST + ":" + plane.dev.gateway().tlsPort() + ":127.0.0.1", "https://" + HOST + ":" + plane.dev.gateway().tlsPort() + "/")
                .redirectErrorStream(true).start();
        String curled = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(curl.waitFor()).as("curl, trusting only the CA: " + curled).isZero();
        assertThat(curled).contains("Hello, acme!");

        assertThatThrownBy(() -> https("nosuch.acme.localhost")).as("no certificate for a host the cell does not serve")
                .isInstanceOf(SSLHandshakeException.class);
        JsonNode certificate = plane.instance("acme", "web").path("status").path("conditions").findValues("type").stream()
                .anyMatch(t -> t.asText().equals("Certificate")) ? plane.instance("acme", "web") : null;
        assertThat(certificate).as("a Certificate condition in the instance's status").isNotNull();
        assertThat(certificate.toString()).contains("TLS certificate for " + HOST + " valid until ");

        AtomicInteger ok = new AtomicInteger();
        List<String> failures = new CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicBoolean loading = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread load = Thread.ofVirtual().start(() -> {
            while (loading.get()) {
                try {
                    Answer a = https(HOST);
                    if (a.status() == 200) ok.incrementAndGet();
                    else failures.add("HTTP " + a.status());
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    failures.add(e.toString());
                }
            }
        });
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> ok.get() > 5);
            clock.moveForward(Duration.ofMinutes(41));
            Answer renewed = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> https(HOST), a -> !a.certificate().getSerialNumber().equals(first.certificate().getSerialNumber()));
            assertThat(renewed.certificate().getNotAfter()).isAfter(first.certificate().getNotAfter());
            int before = ok.get();
            await().atMost(Duration.ofSeconds(10)).until(() -> ok.get() > before + 5);
        } finally {
            loading.set(false);
            load.join();
        }
        assertThat(failures).as("HTTPS requests during the renewal").isEmpty();
        try (Connection c = db(); Statement s = c.createStatement();
             ResultSet issued = s.executeQuery("select count(*) from events where type = 'certificate.issued' and data->>'host' = '" + HOST + "'")) {
            issued.next();
            assertThat(issued.getInt(1)).as("issued, then renewed").isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void aCellGetsCertificatesOnlyForItsOwnInstancesAndOnlyWithAValidRequest() throws Exception {
        String agent = Files.readString(plane.home.resolve("agent.token")).strip();
        var pair = dev.tenantry.server.pki.CertificateAuthority.newKeyPair();
        var other = dev.tenantry.server.pki.CertificateAuthority.newKeyPair();
        String csr = dev.tenantry.server.pki.Pem.write(new org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder(
                new org.bouncycastle.asn1.x500.X500Name("CN=x"), pair.getPublic())
                .build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
        String path = "/v1/cells/local/certificates";
        TestPlane.Reply foreign = plane.call("POST", path, java.util.Map.of("csr", csr, "hosts", List.of("bank.example.com")), agent);
        assertThat(foreign.status()).as("a host no instance of the cell has").isEqualTo(403);
        assertThat(plane.call("POST", path, java.util.Map.of("csr", "not PEM", "hosts", List.of(HOST)), agent).json()
                .path("errors").get(0).path("field").asText()).isEqualTo("csr");
        assertThat(plane.call("POST", path, java.util.Map.of("csr", csr, "hosts", List.of()), agent).status()).isEqualTo(400);
        // a request whose key is swapped after signing: the signature no longer matches
        var tampered = new org.bouncycastle.pkcs.PKCS10CertificationRequest(new org.bouncycastle.asn1.pkcs.CertificationRequest(
                new org.bouncycastle.asn1.pkcs.CertificationRequestInfo(new org.bouncycastle.asn1.x500.X500Name("CN=x"),
                        org.bouncycastle.asn1.x509.SubjectPublicKeyInfo.getInstance(other.getPublic().getEncoded()), null),
                dev.tenantry.server.pki.Pem.certificationRequest(csr).toASN1Structure().getSignatureAlgorithm(),
                dev.tenantry.server.pki.Pem.certificationRequest(csr).toASN1Structure().getSignature()));
        TestPlane.Reply mismatched = plane.call("POST", path, java.util.Map.of("csr", dev.tenantry.server.pki.Pem.write(tampered), "hosts", List.of(HOST)), agent);
        assertThat(mismatched.status()).isEqualTo(400);
        assertThat(mismatched.body()).contains("signature");
        TestPlane.Reply issued = plane.call("POST", path, java.util.Map.of("csr", csr, "hosts", List.of(HOST)), agent);
        assertThat(issued.status()).as(issued.body()).isEqualTo(201);
        assertThat(issued.json().path("chain").asText()).contains("BEGIN CERTIFICATE");
        assertThat(plane.post(path, java.util.Map.of("csr", csr, "hosts", List.of(HOST))).status()).as("not even a provider admin").isEqualTo(403);

        // the newest certificate of the host near its end without a renewal: one certificate.expiring event, once
        try (Connection c = db(); Statement s = c.createStatement()) {
            s.executeUpdate("update certificates set not_after = now() + interval '5 minutes' where serial = '" + issued.json().path("serial").asText() + "'");
            s.executeUpdate("update certificates set not_after = now() - interval '1 day' where host = '" + HOST + "' and serial <> '"
                    + issued.json().path("serial").asText() + "'");
        }
        assertThat(plane.dev.server().services().certificates().warnOfExpiry()).isOne();
        assertThat(plane.dev.server().services().certificates().warnOfExpiry()).as("once").isZero();
        try (Connection c = db(); Statement s = c.createStatement();
             ResultSet expiring = s.executeQuery("select data->>'serial' from events where type = 'certificate.expiring'")) {
            assertThat(expiring.next()).isTrue();
            assertThat(expiring.getString(1)).isEqualTo(issued.json().path("serial").asText());
        }
    }

    @Test
    void theApiAnswersOverHttpsWithACertificateFromTheCaAndTheCliTrustsIt() throws Exception {
        String url = plane.dev.server().tlsUrl();
        assertThat(url).startsWith("https://localhost:");
        java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder().sslContext(trustingTheCa).build();
        var reply = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url + "/v1/tenants"))
                .header("Authorization", "Bearer " + plane.admin).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(reply.statusCode()).isEqualTo(200);
        assertThat(reply.body()).contains("acme");
        assertThatThrownBy(() -> java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url + "/readyz")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString())).as("not trusted by the JDK's default CAs").isInstanceOf(javax.net.ssl.SSLHandshakeException.class);

        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.PrintStream original = System.out;
        System.setOut(new java.io.PrintStream(out, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = new picocli.CommandLine(new dev.tenantry.cli.TenantsCommand()).execute("list", "--api-url", url, "--token", plane.admin,
                    "--ca-file", caFile.toString());
        } finally {
            System.setOut(original);
        }
        assertThat(code).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("acme");
    }

    @Test
    void aVendorsCertificateForACustomDomainIsCheckedAndStoredWithoutItsKeyEverShown() throws Exception {
        var vendor = dev.tenantry.server.pki.CertificateAuthority.create("Vendor CA", java.time.Instant.now().minus(Duration.ofDays(1)));
        var pair = dev.tenantry.server.pki.CertificateAuthority.newKeyPair();
        String chain = dev.tenantry.server.pki.Pem.write(vendor.issueServer(pair.getPublic(), List.of("www.acme.test"), java.time.Instant.now(),
                Duration.ofDays(90)), vendor.certificate());
        String key = dev.tenantry.server.pki.Pem.write(pair.getPrivate());
        String path = "/v1/tenants/acme/instances/web/domains/";

        TestPlane.Reply wrongKey = plane.call("PUT", path + "www.acme.test", java.util.Map.of("certificate", chain,
                "key", dev.tenantry.server.pki.Pem.write(dev.tenantry.server.pki.CertificateAuthority.newKeyPair().getPrivate())), plane.admin);
        assertThat(wrongKey.status()).isEqualTo(400);
        assertThat(wrongKey.json().path("errors").get(0).path("field").asText()).isEqualTo("key");
        assertThat(wrongKey.body()).doesNotContain("PRIVATE KEY");
        assertThat(plane.get("/v1/tenants/acme/instances/web/domains").json().path("items")).as("nothing stored").isEmpty();
        assertThat(plane.call("PUT", path + "api.acme.test", java.util.Map.of("certificate", chain, "key", key), plane.admin).json()
                .path("errors").get(0).path("message").asText()).contains("does not name api.acme.test");

        TestPlane.Reply stored = plane.call("PUT", path + "www.acme.test", java.util.Map.of("certificate", chain, "key", key), plane.admin);
        assertThat(stored.status()).as(stored.body()).isEqualTo(200);
        assertThat(stored.json().path("names").get(0).asText()).isEqualTo("www.acme.test");
        assertThat(stored.body()).doesNotContain("PRIVATE KEY");
        JsonNode listed = plane.get("/v1/tenants/acme/instances/web/domains").json().path("items");
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).path("issuer").asText()).contains("Vendor CA");
        String keyBody = key.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        try (Connection c = db(); Statement s = c.createStatement();
             ResultSet row = s.executeQuery("select t::text from custom_domains t")) {
            assertThat(row.next()).isTrue();
            assertThat(row.getString(1)).as("the key is stored encrypted").doesNotContain("PRIVATE KEY").doesNotContain(keyBody.substring(0, 40));
        }

        // the gateway serves the instance at the domain, over HTTPS with the vendor's certificate and over HTTP
        SSLContext trustingTheVendor = trusting(vendor.certificate());
        Answer viaDomain = await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> https(trustingTheVendor, "www.acme.test"),
                a -> a.status() == 200);
        assertThat(viaDomain.body()).contains("Hello, acme!");
        assertThat(viaDomain.certificate().getIssuerX500Principal().getName()).contains("Vendor CA");
        assertThat(plane.viaGateway("www.acme.test", "/").status()).isEqualTo(200);
        assertThat(https(HOST).status()).as("the instance's own name still has the CA's certificate").isEqualTo(200);

        assertThat(plane.delete(path + "www.acme.test").status()).isEqualTo(204);
        assertThat(plane.get("/v1/tenants/acme/instances/web/domains").json().path("items")).isEmpty();
        await().atMost(Duration.ofSeconds(30)).until(() -> plane.viaGateway("www.acme.test", "/").status() == 404);
    }

    @Test
    void aPlanThatWantsHttpsOnlyHasPlainHttpRedirected() throws Exception {
        TestPlane.Reply plan = plane.post("/v1/services/hello/plans", java.util.Map.of("name", "secure", "replicas", 1, "httpsOnly", true));
        assertThat(plan.status()).as(plan.body()).isEqualTo(201);
        assertThat(plan.json().path("httpsOnly").asBoolean()).isTrue();
        assertThat(plane.createInstance("acme", "safe", "hello", "secure").status()).isEqualTo(202);
        plane.awaitPhase("acme", "safe", "RUNNING");
        TestPlane.Reply plain = await().atMost(Duration.ofSeconds(30)).until(() -> plane.viaGateway("safe.acme.localhost", "/page?x=1"),
                r -> r.status() != 503);
        assertThat(plain.status()).isEqualTo(308);
        assertThat(plain.raw().headers().firstValue("Location")).hasValue("https://safe.acme.localhost:" + plane.dev.gateway().tlsPort() + "/page?x=1");
        Answer secure = await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> https("safe.acme.localhost"), a -> a.status() == 200);
        assertThat(secure.body()).contains("Hello, acme!");
        assertThat(plane.viaGateway(HOST, "/").status()).as("a plan without httpsOnly serves plain HTTP").isEqualTo(200);
    }

    @Test
    void theApiCanServeACertificateTheOperatorProvides() throws Exception {
        var operatorCa = dev.tenantry.server.pki.CertificateAuthority.create("Operator CA", java.time.Instant.now().minus(Duration.ofDays(1)));
        var pair = dev.tenantry.server.pki.CertificateAuthority.newKeyPair();
        var provided = new dev.tenantry.server.SecuritySettings.ApiTls.Provided(dev.tenantry.server.pki.Pem.write(
                operatorCa.issueServer(pair.getPublic(), List.of("localhost"), java.time.Instant.now(), Duration.ofDays(30)), operatorCa.certificate()),
                dev.tenantry.server.pki.Pem.write(pair.getPrivate()));
        var db = plane.dev.database();
        try (var server = dev.tenantry.server.TenantryServer.start(new dev.tenantry.server.TenantryServer.Config(db.url(), db.user(), db.password(),
                "127.0.0.1", 0, 1, null, null, plane.dev.security().withApiTls(new dev.tenantry.server.SecuritySettings.ApiTls(0, List.of("localhost"), provided))))) {
            SSLContext trustingTheOperator = trusting(operatorCa.certificate());
            var reply = java.net.http.HttpClient.newBuilder().sslContext(trustingTheOperator).build().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.tlsUrl() + "/readyz")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(reply.statusCode()).isEqualTo(200);
            assertThat(((X509Certificate) reply.sslSession().orElseThrow().getPeerCertificates()[0]).getIssuerX500Principal().getName()).contains("Operator CA");
        }
    }

    /** A TLS client context that trusts {@code ca} alone. */
    private static SSLContext trusting(X509Certificate ca) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    record Answer(int status, String body, X509Certificate certificate) {}

    /** One HTTPS request on a new connection: SNI and host name checked against {@code host}, trusting only the CA. */
    private static Answer https(String host) throws Exception {
        return https(trustingTheCa, host);
    }

    private static Answer https(SSLContext trusting, String host) throws Exception {
        try (Socket raw = new Socket("127.0.0.1", plane.dev.gateway().tlsPort());
             SSLSocket tls = (SSLSocket) trusting.getSocketFactory().createSocket(raw, host, plane.dev.gateway().tlsPort(), true)) {
            SSLParameters params = tls.getSSLParameters();
            params.setServerNames(List.of(new SNIHostName(host)));
            params.setEndpointIdentificationAlgorithm("HTTPS");
            tls.setSSLParameters(params);
            tls.setSoTimeout(10_000);
            tls.startHandshake();
            OutputStream out = tls.getOutputStream();
            out.write(("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = tls.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int status = Integer.parseInt(response.substring(9, 12));
            return new Answer(status, response, (X509Certificate) tls.getSession().getPeerCertificates()[0]);
        }
    }

    private static Connection db() throws Exception {
        var db = plane.dev.database();
        return DriverManager.getConnection(db.url(), db.user(), db.password());
    }
}
