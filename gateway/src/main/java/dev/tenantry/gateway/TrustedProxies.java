package dev.tenantry.gateway;

import java.net.InetAddress;
import java.util.List;
import org.eclipse.jetty.util.InetAddressSet;

/**
 * The proxies in front of a gateway whose identity headers ({@code X-Forwarded-*}, {@code Forwarded}) it believes:
 * addresses or CIDR blocks ({@code 10.0.0.0/8}). None by default: a client's own identity headers are dropped.
 */
public final class TrustedProxies {
    public static final TrustedProxies NONE = new TrustedProxies(List.of());
    private final InetAddressSet set = new InetAddressSet();
    private final List<String> patterns;

    private TrustedProxies(List<String> patterns) {
        this.patterns = List.copyOf(patterns);
        patterns.forEach(set::add);
    }

    /** Parses addresses and CIDR blocks; an invalid one is an {@link IllegalArgumentException} naming it. */
    public static TrustedProxies of(List<String> patterns) {
        for (String p : patterns) {
            try {
                new InetAddressSet().add(p);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("not an IP address or CIDR block: '" + p + "'");
            }
        }
        return new TrustedProxies(patterns);
    }

    boolean contains(InetAddress address) {
        return address != null && set.test(address);
    }

    @Override
    public String toString() {
        return patterns.isEmpty() ? "none" : String.join(",", patterns);
    }
}
