package dev.tenantry.gateway;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.SocketAddressResolver;

/**
 * Resolves a backend's address on the caller's thread when it is an IP address (a cell's replicas listen on
 * {@code 127.0.0.1}: nothing to look up), and hands host names to {@code names}, which looks them up on another thread
 * (the client's default): every first request to a replica opens a connection, and each hand-over costs a thread switch.
 */
final class LiteralAddressResolver implements SocketAddressResolver {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private final Supplier<SocketAddressResolver> names;

    LiteralAddressResolver(Supplier<SocketAddressResolver> names) {
        this.names = names;
    }

    static boolean isLiteral(String host) {
        return IPV4.matcher(host).matches() || host.indexOf(':') >= 0 || host.startsWith("[");
    }

    @Override
    public void resolve(String host, int port, Map<String, Object> context, Promise<List<InetSocketAddress>> promise) {
        if (!isLiteral(host)) {
            names.get().resolve(host, port, context, promise);
            return;
        }
        InetAddress address;
        try {
            // a literal is parsed, never looked up
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            promise.failed(e);
            return;
        }
        promise.succeeded(List.of(new InetSocketAddress(address, port)));
    }
}
