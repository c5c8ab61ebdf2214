package dev.tenantry.gateway;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.function.Function;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.proxy.ProxyHandler;
import org.eclipse.jetty.server.Request;

/**
 * The reverse proxy with the identity headers a workload can trust. The gateway itself says who the client is
 * ({@code X-Forwarded-For}, {@code X-Real-IP}, {@code Forwarded}) and what it asked for ({@code X-Forwarded-Host},
 * {@code -Proto}, {@code -Port}); whatever a client sent under those names is dropped, unless the peer is one of the
 * trusted proxies in front of the gateway, whose chain is kept and extended. It adds no {@code User-Agent} of its own.
 */
final class ForwardingProxy extends ProxyHandler.Reverse {
    static final List<String> IDENTITY_HEADERS = List.of("X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", "X-Forwarded-Port",
            "X-Forwarded-Server", "X-Real-IP", "Forwarded");
    private final TrustedProxies trusted;

    ForwardingProxy(Function<Request, HttpURI> rewrite, TrustedProxies trusted) {
        super(rewrite);
        this.trusted = trusted;
    }

    @Override
    protected void configureHttpClient(HttpClient client) {
        super.configureHttpClient(client);
        client.setUserAgentField(null);
        // the client's own resolver for host names, made once it runs (it needs the client's threads)
        var names = new java.util.concurrent.atomic.AtomicReference<org.eclipse.jetty.util.SocketAddressResolver>();
        client.setSocketAddressResolver(new LiteralAddressResolver(() -> names.updateAndGet(r -> r != null ? r
                : new org.eclipse.jetty.util.SocketAddressResolver.Async(client.getExecutor(), client.getScheduler(), client.getAddressResolutionTimeout()))));
    }

    @Override
    protected void copyRequestHeaders(Request clientToProxy, org.eclipse.jetty.client.Request proxyToServer) {
        super.copyRequestHeaders(clientToProxy, proxyToServer);
        if (!trusted.contains(peer(clientToProxy))) {
            proxyToServer.headers(headers -> IDENTITY_HEADERS.forEach(headers::remove));
        }
    }

    @Override
    protected void addProxyHeaders(Request clientToProxy, org.eclipse.jetty.client.Request proxyToServer) {
        super.addProxyHeaders(clientToProxy, proxyToServer); // Via, and Forwarded appended to a trusted chain
        InetAddress peer = peer(clientToProxy);
        String client = peer == null ? "unknown" : peer.getHostAddress();
        HttpURI uri = clientToProxy.getHttpURI();
        String host = clientToProxy.getHeaders().get(HttpHeader.HOST);
        String port = String.valueOf(Request.getLocalPort(clientToProxy));
        proxyToServer.headers(headers -> {
            HttpField forwardedFor = headers.getField("X-Forwarded-For");
            headers.put("X-Forwarded-For", forwardedFor == null ? client : forwardedFor.getValue() + ", " + client);
            putIfAbsent(headers, "X-Real-IP", client);
            putIfAbsent(headers, "X-Forwarded-Host", host == null ? uri.getHost() : host);
            putIfAbsent(headers, "X-Forwarded-Proto", uri.getScheme() == null ? "http" : uri.getScheme());
            putIfAbsent(headers, "X-Forwarded-Port", port);
        });
    }

    private static void putIfAbsent(org.eclipse.jetty.http.HttpFields.Mutable headers, String name, String value) {
        if (!headers.contains(name)) headers.put(name, value);
    }

    private static InetAddress peer(Request request) {
        SocketAddress remote = request.getConnectionMetaData().getRemoteSocketAddress();
        return remote instanceof InetSocketAddress inet ? inet.getAddress() : null;
    }
}
