package dev.tenantry.bench;

import dev.tenantry.agent.driver.DriverSettings;
import dev.tenantry.app.DevMode;
import dev.tenantry.server.domain.ApiLimits;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * What TLS costs through the gateway, against plain HTTP, on the same instance in one run (alternating blocks):
 * <ul>
 *   <li><b>new connection</b>: each request on a connection of its own (TCP, for HTTPS also a full TLS 1.3 handshake
 *       with the JDK's client checking the certificate against the CA), until its whole answer;</li>
 *   <li><b>kept alive</b>: sequential requests on one connection (the handshake paid once).</li>
 * </ul>
 */
public final class GatewayTlsBenchmark {
    private static final String HOST = "web.bench.localhost";
    private static final int BLOCK = 100;

    public static void main(String[] args) throws Exception {
        int requests = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        Path home = BenchPlane.temporaryHome("tenantry-bench-tls-");
        try (DevMode dev = DevMode.start(new DevMode.Options(home, null, null, null, "127.0.0.1", 0, 0, 10, DriverSettings.DEFAULT)
                .withApiLimits(ApiLimits.UNLIMITED).withGatewayTls(0))) {
            String token = dev.adminToken();
            post(dev, token, "/v1/tenants", "{\"id\":\"bench\",\"name\":\"bench\"}");
            post(dev, token, "/v1/tenants/bench/instances", "{\"name\":\"web\",\"service\":\"hello\",\"plan\":\"starter\"}");
            SSLContext tls = trusting(get(dev, "/v1/ca"));
            int plainPort = dev.gateway().port();
            int tlsPort = dev.gateway().tlsPort();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (true) {
                try {
                    if (request(tls, tlsPort) == 200 && request(null, plainPort) == 200) break;
                } catch (IOException notYet) {
                    if (System.nanoTime() > deadline) throw notYet;
                }
                Thread.sleep(200);
            }
            System.out.printf("machine: %d cores; %d requests each way, blocks of %d, after %d warm-up requests each%n",
                    Runtime.getRuntime().availableProcessors(), requests, BLOCK, requests / 4);
            measure(tls, plainPort, tlsPort, requests / 4, false);
            measure(tls, plainPort, tlsPort, requests, true);
        }
    }

    private static void measure(SSLContext tls, int plainPort, int tlsPort, int requests, boolean report) throws Exception {
        List<Long> plainNew = new ArrayList<>();
        List<Long> tlsNew = new ArrayList<>();
        List<Long> plainKept = new ArrayList<>();
        List<Long> tlsKept = new ArrayList<>();
        for (int done = 0; done < requests; done += BLOCK) {
            for (int i = 0; i < BLOCK; i++) plainNew.add(timed(() -> request(null, plainPort)));
            for (int i = 0; i < BLOCK; i++) tlsNew.add(timed(() -> request(tls, tlsPort)));
            plainKept.addAll(keptAlive(null, plainPort, BLOCK));
            tlsKept.addAll(keptAlive(tls, tlsPort, BLOCK));
        }
        if (!report) return;
        line("new connection", plainNew, tlsNew);
        line("kept alive", plainKept, tlsKept);
    }

    private static void line(String label, List<Long> plain, List<Long> tls) {
        System.out.printf("%-15s HTTP p50 %6.0f µs p99 %6.0f µs | HTTPS p50 %6.0f µs p99 %6.0f µs | HTTPS/HTTP p50 %.2f (n=%d)%n", label,
                BenchPlane.percentile(plain, 50) / 1e3, BenchPlane.percentile(plain, 99) / 1e3, BenchPlane.percentile(tls, 50) / 1e3,
                BenchPlane.percentile(tls, 99) / 1e3, BenchPlane.percentile(tls, 50) / (double) BenchPlane.percentile(plain, 50), tls.size());
    }

    interface Call {
        int run() throws Exception;
    }

    private static long timed(Call call) throws Exception {
        long start = System.nanoTime();
        int status = call.run();
        long took = System.nanoTime() - start;
        if (status != 200) throw new IllegalStateException("HTTP " + status);
        return took;
    }

    /** One request on a new connection (HTTPS when {@code tls} is given), until its whole answer; its status. */
    private static int request(SSLContext tls, int port) throws IOException {
        try (Socket socket = open(tls, port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET / HTTP/1.1\r\nHost: " + HOST + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            return Integer.parseInt(answer.substring(9, 12));
        }
    }

    /** {@code n} sequential requests on one connection; the time of each. */
    private static List<Long> keptAlive(SSLContext tls, int port, int n) throws Exception {
        List<Long> times = new ArrayList<>();
        try (Socket socket = open(tls, port)) {
            OutputStream out = socket.getOutputStream();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            byte[] request = ("GET / HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < n; i++) {
                times.add(timed(() -> {
                    out.write(request);
                    out.flush();
                    return readAnswer(in);
                }));
            }
        }
        return times;
    }

    /** Reads one answer with a Content-Length body; returns its status. */
    private static int readAnswer(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) throw new IOException("connection closed");
            head.append((char) b);
        }
        int length = 0;
        for (String line : head.toString().split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) length = Integer.parseInt(line.substring(15).strip());
        }
        in.readNBytes(length);
        return Integer.parseInt(head.substring(9, 12));
    }

    private static Socket open(SSLContext tls, int port) throws IOException {
        Socket raw = new Socket("127.0.0.1", port);
        raw.setTcpNoDelay(true);
        if (tls == null) return raw;
        SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(raw, HOST, port, true);
        SSLParameters params = socket.getSSLParameters();
        params.setServerNames(List.of(new SNIHostName(HOST)));
        params.setEndpointIdentificationAlgorithm("HTTPS");
        socket.setSSLParameters(params);
        socket.startHandshake();
        return socket;
    }

    private static SSLContext trusting(String caPem) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(caPem.getBytes(StandardCharsets.UTF_8))));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    private static String get(DevMode dev, String path) throws Exception {
        return BenchPlane.HTTP.send(HttpRequest.newBuilder(URI.create(dev.apiUrl() + path)).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static void post(DevMode dev, String token, String path, String body) throws Exception {
        HttpResponse<String> r = BenchPlane.HTTP.send(HttpRequest.newBuilder(URI.create(dev.apiUrl() + path))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300) throw new IllegalStateException(path + ": HTTP " + r.statusCode() + " " + r.body());
    }

}
