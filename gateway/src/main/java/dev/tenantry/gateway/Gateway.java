package dev.tenantry.gateway;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The tenant traffic gateway: routes {@code Host: {instance}.{tenant}.{base-domain}} to a healthy replica
 * through Jetty's reverse proxy. Unknown host: 404. Known instance without a healthy replica: 503 with
 * Retry-After; before its first routes, every request gets 503 with Retry-After. A hibernated instance: the request is held (up to the wake timeout) while the agent wakes it,
 * then forwarded; the client only sees a slower answer.
 */
public final class Gateway implements AutoCloseable {
    private static final String BACKEND = "tenantry.backend";
    public static final Duration DEFAULT_WAKE_TIMEOUT = Duration.ofSeconds(30);
    private final RoutingTable table = new RoutingTable();
    private final RouteHandler handler;
    private final Server server;
    private final ServerConnector connector;
    private final ServedCertificates certificates = new ServedCertificates();
    private ServerConnector tlsConnector;

    public Gateway(String host, int port) {
        this(host, port, TrustedProxies.NONE);
    }

    /** {@code trusted}: the proxies in front of this gateway whose X-Forwarded-* and Forwarded headers it keeps. */
    public Gateway(String host, int port, TrustedProxies trusted) {
        this(host, port, trusted, java.time.Clock.systemUTC());
    }

    /** Requests served at a time by default (threads of its pool). */
    public static final int DEFAULT_THREADS = 200;

    /** {@code clock}: the time each instance's last request is recorded at (idle hibernation decides by it). */
    public Gateway(String host, int port, TrustedProxies trusted, java.time.Clock clock) {
        this(host, port, trusted, clock, DEFAULT_THREADS);
    }

    /** {@code maxThreads}: requests served at a time (a request held while its instance wakes holds one). */
    public Gateway(String host, int port, TrustedProxies trusted, java.time.Clock clock, int maxThreads) {
        if (maxThreads < 8) throw new IllegalArgumentException("a gateway needs at least 8 threads, not " + maxThreads);
        QueuedThreadPool threads = new QueuedThreadPool(maxThreads, 8);
        threads.setName("gateway");
        server = new Server(threads);
        connector = new ServerConnector(server);
        connector.setHost(host);
        connector.setPort(port);
        server.addConnector(connector);
        ForwardingProxy proxy = new ForwardingProxy(Gateway::rewrite, trusted);
        handler = new RouteHandler(table, proxy, clock, this::tlsPort);
        server.setHandler(handler);
    }

    /**
     * Serves HTTPS too, on {@code port} (0: any free one), with the {@link #certificates()} chosen by SNI; before
     * {@link #start}.
     */
    public Gateway withTls(String host, int port) {
        try {
            javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
            context.init(new javax.net.ssl.KeyManager[] {certificates}, null, null);
            org.eclipse.jetty.util.ssl.SslContextFactory.Server ssl = new org.eclipse.jetty.util.ssl.SslContextFactory.Server();
            ssl.setSslContext(context);
            org.eclipse.jetty.server.HttpConfiguration https = new org.eclipse.jetty.server.HttpConfiguration();
            org.eclipse.jetty.server.SecureRequestCustomizer secure = new org.eclipse.jetty.server.SecureRequestCustomizer();
            // the certificate was chosen by SNI already; a request's Host is routed like any other
            secure.setSniHostCheck(false);
            https.addCustomizer(secure);
            tlsConnector = new ServerConnector(server, new org.eclipse.jetty.server.SslConnectionFactory(ssl, "http/1.1"),
                    new org.eclipse.jetty.server.HttpConnectionFactory(https));
            tlsConnector.setHost(host);
            tlsConnector.setPort(port);
            server.addConnector(tlsConnector);
            return this;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("TLS is not available", e);
        }
    }

    /** The certificates HTTPS serves, by host name; the agent keeps them current. */
    public ServedCertificates certificates() {
        return certificates;
    }

    /** The HTTPS port, or -1 without TLS. */
    public int tlsPort() {
        return tlsConnector == null ? -1 : tlsConnector.getLocalPort();
    }

    public Gateway start() throws Exception {
        server.start();
        return this;
    }

    public int port() {
        return connector.getLocalPort();
    }

    public RoutingTable routes() {
        return table;
    }

    /** Who wakes a hibernated instance (by uid) when a request for it arrives, and how long a request may wait for it. */
    public Gateway onWake(Consumer<String> waker, Duration timeout) {
        handler.waker = waker;
        handler.wakeTimeout = timeout;
        return this;
    }

    private static HttpURI rewrite(Request request) {
        String backend = (String) request.getAttribute(BACKEND);
        HttpURI uri = request.getHttpURI();
        return HttpURI.build(uri).scheme("http").authority(backend.substring(0, backend.lastIndexOf(':')),
                Integer.parseInt(backend.substring(backend.lastIndexOf(':') + 1))).asImmutable();
    }

    /** Looks the host up, answers 404/503 itself, and hands routable requests to the proxy with their backend. */
    private static final class RouteHandler extends Handler.Wrapper {
        private final RoutingTable table;
        private volatile Consumer<String> waker;
        private volatile Duration wakeTimeout = DEFAULT_WAKE_TIMEOUT;
        private final java.time.Clock clock;
        private final java.util.function.IntSupplier tlsPort;

        RouteHandler(RoutingTable table, Handler proxy, java.time.Clock clock, java.util.function.IntSupplier tlsPort) {
            super(proxy);
            this.table = table;
            this.clock = clock;
            this.tlsPort = tlsPort;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            String host = Request.getServerName(request);
            if (!table.loaded()) return problem(response, callback, 503, "the gateway is starting and has not read its routes yet", "1");
            RoutingTable.Entry entry = table.lookup(host);
            if (entry == null) {
                return problem(response, callback, 404, "no instance is served at host '" + host + "'", null);
            }
            int httpsPort = tlsPort.getAsInt();
            if (entry.route().httpsOnly() && !request.isSecure() && httpsPort > 0) return redirectToHttps(request, response, callback, host, httpsPort);
            entry.lastRequestMillis().set(clock.millis());
            Callback counted = counted(entry, request, response, callback);
            String backend = entry.pick();
            if (backend == null && entry.route().hibernated() && waker != null) return holdWhileWaking(host, entry, request, response, counted);
            if (backend == null && entry.route().stopped()) {
                return problem(response, counted, 503, "instance at '" + host + "' is stopped; it serves again once it is started", null);
            }
            if (backend == null) {
                return problem(response, counted, 503, "instance at '" + host + "' has no healthy replica right now", "1");
            }
            request.setAttribute(BACKEND, backend);
            return super.handle(request, response, counted);
        }

        /** 308 to the same URL over HTTPS (the instance's plan wants HTTPS only). */
        private static boolean redirectToHttps(Request request, Response response, Callback callback, String host, int httpsPort) {
            HttpURI uri = request.getHttpURI();
            String location = "https://" + host + (httpsPort == 443 ? "" : ":" + httpsPort) + uri.getPathQuery();
            response.setStatus(308);
            response.getHeaders().put(HttpHeader.LOCATION, location);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
            response.write(true, java.nio.ByteBuffer.wrap(("this instance is served over HTTPS: " + location + "\n").getBytes(StandardCharsets.UTF_8)), callback);
            return true;
        }

        /** The request's callback, counting its status and latency for the route's release once it completes. */
        private static Callback counted(RoutingTable.Entry entry, Request request, Response response, Callback callback) {
            long started = System.nanoTime();
            TrafficCounter traffic = entry.traffic();
            return new Callback.Nested(callback) {
                @Override
                public void succeeded() {
                    traffic.record(response.getStatus(), System.nanoTime() - started, Request.getContentBytesRead(request),
                            Response.getContentBytesWritten(response));
                    super.succeeded();
                }

                @Override
                public void failed(Throwable x) {
                    traffic.record(500, System.nanoTime() - started, Request.getContentBytesRead(request), Response.getContentBytesWritten(response));
                    super.failed(x);
                }
            };
        }

        /** Asks the agent to wake the instance and forwards the request to its first healthy replica (503 after the timeout). */
        private boolean holdWhileWaking(String host, RoutingTable.Entry entry, Request request, Response response, Callback callback) {
            CompletableFuture<String> backend = table.awaitBackend(host).orTimeout(wakeTimeout.toMillis(), TimeUnit.MILLISECONDS);
            waker.accept(entry.route().instanceUid());
            backend.whenComplete((b, failure) -> {
                if (failure != null) {
                    problem(response, callback, 503, "instance at '" + host + "' did not wake within " + wakeTimeout.toSeconds() + " s", "5");
                    return;
                }
                request.setAttribute(BACKEND, b);
                try {
                    if (!super.handle(request, response, callback)) Response.writeError(request, response, callback, 404);
                } catch (Exception e) {
                    callback.failed(e);
                }
            });
            return true;
        }

        private static boolean problem(Response response, Callback callback, int status, String detail, String retryAfter) {
            response.setStatus(status);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/problem+json");
            if (retryAfter != null) response.getHeaders().put(HttpHeader.RETRY_AFTER, retryAfter);
            String body = dev.tenantry.api.Json.write(java.util.Map.of(
                    "type", "https://tenantry.dev/problems/" + (status == 404 ? "unknown-host" : "unavailable"),
                    "title", status == 404 ? "Not Found" : "Service Unavailable", "status", status, "detail", detail));
            response.write(true, java.nio.ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
            return true;
        }
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

}
