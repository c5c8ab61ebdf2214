package dev.tenantry.examples.hello;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Tenantry's example service: a tiny web app that shows which tenant, instance and release it serves.
 * It starts in well under a second and needs nothing but the JDK. Configuration comes from the
 * environment Tenantry injects: PORT, TENANTRY_TENANT, TENANTRY_INSTANCE, TENANTRY_RELEASE, GREETING, and
 * VISITS_FILE (in the instance's data directory), where it counts the visits of the instance's whole life.
 * FAIL_EVERY=n makes every n-th page request answer 500: a faulty release, to see a rollout's analysis gate catch it.
 */
public final class HelloApp {
    private final String tenant = env("TENANTRY_TENANT", "unknown-tenant");
    private final String instance = env("TENANTRY_INSTANCE", "unknown-instance");
    private final String release = env("TENANTRY_RELEASE", "dev");
    /** GREETING_FILE (a file holding the greeting, as a secret is given) wins over GREETING. */
    private final String greeting = System.getenv("GREETING_FILE") != null ? readGreeting(Path.of(System.getenv("GREETING_FILE")))
            : env("GREETING", "Hello");
    private final Instant started = Instant.now();
    private final AtomicLong requests = new AtomicLong();
    private final long failEvery = Long.parseLong(env("FAIL_EVERY", "0"));
    private final VisitCounter visits;

    /** {@code visitsFile}: where the instance's visits are counted (null: in memory only). */
    private HelloApp(Path visitsFile) {
        this.visits = new VisitCounter(visitsFile);
    }

    public static void main(String[] args) throws IOException {
        if (args.length == 1 && args[0].equals("--train")) {
            train();
            return;
        }
        int port = Integer.parseInt(env("PORT", "8080"));
        new HelloApp(System.getenv("VISITS_FILE") == null ? null : Path.of(System.getenv("VISITS_FILE"))).serve(port);
    }

    /**
     * A training run for a class-data cache (JDK's CDS or AOT cache): starts as a replica does (with a visits file, saved
     * once), answers health checks the way the agent asks for them (a connection each) and pages the way the gateway
     * asks for them (on a connection kept alive, with its forwarding headers: a path the cache must hold too, or every
     * replica's first page through the gateway loads and runs it cold), and exits.
     */
    private static void train() throws IOException {
        // with a visits file, as a replica always has one (in its data directory): its reading and saving are trained too
        Path data = Files.createTempDirectory("hello-training-");
        Path visitsFile = data.resolve("visits");
        int status = 1;
        try {
            HelloApp app = new HelloApp(visitsFile);
            int port = app.serve(0).getAddress().getPort();
            askAsTheAgentAndTheGateway(port);
            app.visits.save();
            status = 0;
        } catch (IOException | RuntimeException e) {
            e.printStackTrace();
        } finally {
            Files.deleteIfExists(visitsFile);
            Files.deleteIfExists(data);
        }
        // the server's threads would keep the JVM alive, a failed training run too
        System.exit(status);
    }

    /** A health check as the agent asks for it, two pages on one connection as the gateway asks for them, a health check. */
    private static void askAsTheAgentAndTheGateway(int port) throws IOException {
        String healthCheck = "User-Agent: tenantry-agent\r\nConnection: close\r\n";
        String forwarded = "Via: 1.1 gateway\r\nForwarded: for=\"127.0.0.1\";host=\"hello\";proto=http\r\nX-Forwarded-For: 127.0.0.1\r\n"
                + "X-Real-IP: 127.0.0.1\r\nX-Forwarded-Host: hello\r\nX-Forwarded-Proto: http\r\nX-Forwarded-Port: 80\r\n";
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            exchange(socket, "/healthz", healthCheck);
        }
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            exchange(socket, "/", forwarded);
            exchange(socket, "/", forwarded);
        }
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            exchange(socket, "/healthz", healthCheck);
        }
    }

    /** Asks for {@code path} on {@code socket} with {@code headers} and reads the whole answer, which must be a 200. */
    private static void exchange(java.net.Socket socket, String path, String headers) throws IOException {
        socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: hello\r\n" + headers + "\r\n").getBytes(StandardCharsets.US_ASCII));
        java.io.InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (head.length() < 4 || head.lastIndexOf("\r\n\r\n") != head.length() - 4) {
            int c = in.read();
            if (c < 0) throw new IllegalStateException(path + ": the answer ended in its headers: " + head);
            head.append((char) c);
        }
        if (!head.toString().startsWith("HTTP/1.1 200")) throw new IllegalStateException(path + ": " + head.toString().lines().findFirst().orElse(""));
        long length = head.toString().lines().filter(line -> line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:"))
                .mapToLong(line -> Long.parseLong(line.substring(line.indexOf(':') + 1).strip())).findFirst()
                .orElseThrow(() -> new IllegalStateException(path + ": no content length"));
        if (in.readNBytes((int) length).length != length) throw new IllegalStateException(path + ": the answer ended in its body");
    }

    HttpServer serve(int port) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 128);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/healthz", ex -> send(ex, 200, "text/plain", "ok\n"));
        server.createContext("/", this::page);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop(1);
            visits.saveDurably();
        }));
        Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().factory())
                .scheduleWithFixedDelay(visits::save, 1, 1, TimeUnit.SECONDS);
        server.start();
        System.out.println("hello: serving tenant " + tenant + " instance " + instance + " release " + release + " on port " + port);
        return server;
    }

    private void page(HttpExchange ex) throws IOException {
        if (!ex.getRequestURI().getPath().equals("/")) {
            send(ex, 404, "text/plain", "not found\n");
            return;
        }
        long n = requests.incrementAndGet();
        if (failEvery > 0 && n % failEvery == 0) {
            send(ex, 500, "text/plain", "injected failure: every " + failEvery + "th request fails (FAIL_EVERY)\n");
            return;
        }
        long allTime = visits.visit();
        String html = """
                <!doctype html>
                <html><head><meta charset="utf-8"><title>%s · %s</title>
                <style>body{font-family:system-ui,sans-serif;margin:4rem;color:#1d2433}h1{font-size:2.4rem}
                dl{display:grid;grid-template-columns:max-content auto;gap:.4rem 1.2rem}dt{color:#6b7280}</style></head>
                <body><h1>%s, %s!</h1>
                <p>This is your own instance of the <b>hello</b> service, provisioned by Tenantry.</p>
                <dl><dt>tenant</dt><dd id="tenant">%s</dd><dt>instance</dt><dd id="instance">%s</dd>
                <dt>release</dt><dd id="release">%s</dd><dt>started</dt><dd>%s</dd><dt>requests served</dt><dd>%d</dd>
                <dt>visits, all time</dt><dd id="visits">%d</dd></dl>
                </body></html>
                """.formatted(escape(instance), escape(tenant), escape(greeting), escape(tenant), escape(tenant), escape(instance),
                escape(release), started, n, allTime);
        send(ex, 200, "text/html; charset=utf-8", html);
    }

    private static void send(HttpExchange ex, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static String readGreeting(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("GREETING_FILE " + file + " cannot be read", e);
        }
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
