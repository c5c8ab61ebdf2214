package dev.tenantry.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.tenantry.api.cell.Route;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What a workload behind the gateway learns about its client: what the gateway saw, never what a client claims. */
class ForwardedHeadersTest {
    private static final String FORGED = "GET / HTTP/1.1\r\nHost: app.acme.localhost\r\nX-Forwarded-For: 6.6.6.6\r\nX-Forwarded-Host: evil.example\r\n"
            + "X-Forwarded-Proto: https\r\nX-Forwarded-Port: 1\r\nX-Real-IP: 6.6.6.6\r\nForwarded: for=6.6.6.6;proto=https\r\nConnection: close\r\n\r\n";
    private HttpServer backend;

    @BeforeEach
    void startBackend() throws IOException {
        backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        backend.createContext("/", exchange -> {
            StringBuilder body = new StringBuilder();
            exchange.getRequestHeaders().forEach((name, values) -> values.forEach(v -> body.append(name.toLowerCase(Locale.ROOT)).append(": ").append(v).append('\n')));
            byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        backend.start();
    }

    @AfterEach
    void stopBackend() {
        backend.stop(0);
    }

    @Test
    void aClientsIdentityHeadersAreReplacedByWhatTheGatewaySaw() throws Exception {
        try (Gateway gateway = routedGateway(TrustedProxies.NONE)) {
            Map<String, List<String>> seen = send(gateway, FORGED);
            assertThat(seen.get("x-forwarded-for")).containsExactly("127.0.0.1");
            assertThat(seen.get("x-real-ip")).containsExactly("127.0.0.1");
            assertThat(seen.get("x-forwarded-host")).containsExactly("app.acme.localhost");
            assertThat(seen.get("x-forwarded-proto")).containsExactly("http");
            assertThat(seen.get("x-forwarded-port")).containsExactly(String.valueOf(gateway.port()));
            assertThat(String.join(",", seen.get("forwarded"))).doesNotContain("6.6.6.6").contains("127.0.0.1");
            assertThat(seen).as("the gateway adds no User-Agent of its own").doesNotContainKey("user-agent");
        }
    }

    @Test
    void aTrustedProxysChainIsKeptAndExtended() throws Exception {
        try (Gateway gateway = routedGateway(TrustedProxies.of(List.of("127.0.0.0/8")))) {
            Map<String, List<String>> seen = send(gateway, FORGED.replace("Connection: close", "User-Agent: curl/8\r\nConnection: close"));
            assertThat(seen.get("x-forwarded-for")).containsExactly("6.6.6.6, 127.0.0.1");
            assertThat(seen.get("x-real-ip")).containsExactly("6.6.6.6");
            assertThat(seen.get("x-forwarded-proto")).containsExactly("https");
            assertThat(String.join(",", seen.get("forwarded"))).startsWith("for=6.6.6.6");
            assertThat(seen.get("user-agent")).containsExactly("curl/8");
        }
    }

    @Test
    void trustedProxiesMustBeAddressesOrCidrBlocks() {
        assertThat(TrustedProxies.of(List.of("10.0.0.0/8", "192.168.1.7", "::1")).toString()).isEqualTo("10.0.0.0/8,192.168.1.7,::1");
        assertThatThrownBy(() -> TrustedProxies.of(List.of("not-an-address"))).hasMessageContaining("not-an-address");
    }

    private Gateway routedGateway(TrustedProxies trusted) throws Exception {
        Gateway gateway = new Gateway("127.0.0.1", 0, trusted).start();
        gateway.routes().accept(List.of(new Route("app.acme.localhost", "uid-1", List.of("127.0.0.1:" + backend.getAddress().getPort()), false, "1.0.0")));
        return gateway;
    }

    /** Sends a request as written and reads the headers the backend echoed. */
    private static Map<String, List<String>> send(Gateway gateway, String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(response).startsWith("HTTP/1.1 200");
            Map<String, List<String>> headers = new HashMap<>();
            for (String line : response.substring(response.indexOf("\r\n\r\n") + 4).split("\n")) {
                int colon = line.indexOf(": ");
                if (colon > 0) headers.computeIfAbsent(line.substring(0, colon), k -> new java.util.ArrayList<>()).add(line.substring(colon + 2));
            }
            return headers;
        }
    }
}
