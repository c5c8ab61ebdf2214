package dev.tenantry.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.SocketAddressResolver;
import org.junit.jupiter.api.Test;

class LiteralAddressResolverTest {
    private final AtomicReference<String> handedOver = new AtomicReference<>();
    private final SocketAddressResolver names = (host, port, context, promise) -> handedOver.set(host + ":" + port);
    private final LiteralAddressResolver resolver = new LiteralAddressResolver(() -> names);

    private List<InetSocketAddress> resolvedAtOnce(String host, int port) {
        AtomicReference<List<InetSocketAddress>> result = new AtomicReference<>();
        resolver.resolve(host, port, Map.of(), Promise.from(result::set, e -> { throw new AssertionError(e); }));
        return result.get();
    }

    @Test
    void anIpAddressIsResolvedOnTheCallersThreadAndANameIsHandedOver() {
        assertThat(resolvedAtOnce("127.0.0.1", 4000)).containsExactly(new InetSocketAddress("127.0.0.1", 4000));
        assertThat(resolvedAtOnce("::1", 4001)).containsExactly(new InetSocketAddress("::1", 4001));
        assertThat(handedOver.get()).as("no look-up for addresses").isNull();

        assertThat(resolvedAtOnce("backend.internal", 4002)).as("a name is left to the look-up").isNull();
        assertThat(handedOver.get()).isEqualTo("backend.internal:4002");
        assertThat(LiteralAddressResolver.isLiteral("1234.example.com")).isFalse();
    }
}
